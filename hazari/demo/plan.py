"""The made-up part of the demo state, drawn in memory before anything is written.

Real districts and blocks (hazari.demo.sources) get synthetic clusters (Jan Shiksha Kendras)
and schools. The plan is a pure function of the scale and the seed: the same seed gives the
same clusters, schools and children, whatever the database.

Each kind of thing draws from its own random stream ("<seed>:layout", "<seed>:schools", ...),
so that changing, say, how children are counted does not rename every school.
"""

import math
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from hazari.demo.enrolment import ClassCount, school_enrolment
from hazari.demo.names import SCHOOL_KIND, school_name, village_name
from hazari.demo.sources import STATE_CODE, Block, District, read_districts
from hazari.orgunits.categories import Category

# Government schools (Department of Education and Tribal Welfare) by category, from the
# SchoolGIS layer (SOURCES.md). Only the mix is used; the total comes from the scale.
CATEGORY_MIX = {
    Category.PRIMARY: 63_863,
    Category.PRIMARY_MIDDLE: 13_310,
    Category.MIDDLE: 12_712,
    Category.HIGH: 2_620,
    Category.HIGH_HIGHER_SECONDARY: 2_503,
    Category.PRIMARY_TO_HIGH: 1_521,
    Category.PRIMARY_TO_HIGHER_SECONDARY: 1_065,
    Category.MIDDLE_HIGH: 785,
    Category.MIDDLE_TO_HIGHER_SECONDARY: 701,
}
SCHOOLS_PER_CLUSTER = 27  # 92,439 schools in 3,395 Jan Shiksha Kendras
SCHOOLS_IN_A_VILLAGE = {1: 55, 2: 35, 3: 10}  # relative weights: most villages have one school
MAX_VILLAGES_PER_BLOCK = 999  # the village part of a UDISE code has three digits
START_TIMES = {"10:00": 80, "10:30": 8, "11:00": 7, "07:30": 5}  # 07:30: morning shift


@dataclass(frozen=True)
class Scale:
    schools: int
    districts: Sequence[str] | None  # English names; None: the whole state
    # A district whose schools take a student-wise roll call (issue 15); None: all count.
    roll_call_district: str | None = None


SCALES = {
    # Bhopal comes first in the demo's log-ins (hazari.demo.report): the head master printed
    # there takes the roll call, and the other two districts show the counts beside it.
    "demo": Scale(
        schools=300, districts=("Bhopal", "Sehore", "Shajapur"), roll_call_district="Bhopal"
    ),
    # UDISE+ (probably 2023-24) counts 92,439 government schools in Madhya Pradesh.
    "full": Scale(schools=92_439, districts=None),
}


@dataclass(slots=True)
class SchoolPlan:
    udise_code: str
    name_en: str
    name_hi: str
    category: int
    start_time: str
    hm_mobile: str
    enrolment: tuple[ClassCount, ...]

    @property
    def children(self) -> int:
        return sum(c.total for c in self.enrolment)


@dataclass
class ClusterPlan:
    code: str
    name_en: str
    name_hi: str
    schools: list[SchoolPlan] = field(default_factory=list)


@dataclass
class BlockPlan:
    block: Block
    clusters: list[ClusterPlan] = field(default_factory=list)


@dataclass
class DistrictPlan:
    district: District
    blocks: list[BlockPlan] = field(default_factory=list)


@dataclass
class StatePlan:
    districts: list[DistrictPlan]

    def blocks(self) -> Iterator[tuple[DistrictPlan, BlockPlan]]:
        for d in self.districts:
            for b in d.blocks:
                yield d, b

    def clusters(self) -> Iterator[tuple[BlockPlan, ClusterPlan]]:
        for _, b in self.blocks():
            for c in b.clusters:
                yield b, c

    def schools(self) -> Iterator[tuple[ClusterPlan, SchoolPlan]]:
        for _, c in self.clusters():
            for s in c.schools:
                yield c, s


class UniqueNumbers:
    """Random digit strings that never repeat: mobile numbers, employee codes."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def draw(self, prefix: str, digits: int) -> str:
        while True:
            number = f"{prefix}{self.rng.randrange(10**digits):0{digits}d}"
            if number not in self.taken:
                self.taken.add(number)
                return number


def plan_state(scale: Scale, seed: int, schools: int | None = None) -> StatePlan:
    """The made-up state at a scale; `schools` overrides the scale's number of schools."""
    layout = random.Random(f"{seed}:layout")
    details = random.Random(f"{seed}:schools")
    children = random.Random(f"{seed}:children")
    mobiles = UniqueNumbers(random.Random(f"{seed}:mobiles"))

    districts = read_districts()
    if scale.districts is not None:
        districts = [d for d in districts if d.name_en in scale.districts]
    categories = _category_list(schools or scale.schools, layout)
    # A district without blocks (the three of 2023) has nowhere to put schools.
    shares = _split(len(categories), [d.government_schools if d.blocks else 0 for d in districts])
    plans = []
    dealt = 0
    for district, share in zip(districts, shares, strict=True):
        block_shares = _split(share, [layout.uniform(0.6, 1.4) for _ in district.blocks])
        plan = DistrictPlan(district)
        for index, (block, n) in enumerate(zip(district.blocks, block_shares, strict=True), 1):
            villages = _villages(categories[dealt : dealt + n], layout)
            dealt += n
            # UDISE: state (2 digits), district (2), block (2), village (3), school (2).
            prefix = f"{STATE_CODE}{district.udise_code}{index:02d}"
            plan.blocks.append(_block(block, villages, prefix, details, children, mobiles))
        plans.append(plan)
    return StatePlan(plans)


def _category_list(total: int, rng: random.Random) -> list[int]:
    """Exactly the state's mix of categories for this many schools, in random order."""
    counts = _split(total, list(CATEGORY_MIX.values()))
    categories: list[int] = [c for c, n in zip(CATEGORY_MIX, counts, strict=True) for _ in range(n)]
    rng.shuffle(categories)
    return categories


def _villages(categories: list[int], rng: random.Random) -> list[list[int]]:
    """Deal a block's schools out to villages: one to three schools per village."""
    sizes, weights = list(SCHOOLS_IN_A_VILLAGE), list(SCHOOLS_IN_A_VILLAGE.values())
    villages: list[list[int]] = []
    start = 0
    while start < len(categories):
        n = rng.choices(sizes, weights)[0]
        # In UDISE category order, so the primary school is usually school 01 of its village.
        villages.append(sorted(categories[start : start + n]))
        start += n
    for i, extra in enumerate(villages[MAX_VILLAGES_PER_BLOCK:]):
        villages[i % MAX_VILLAGES_PER_BLOCK].extend(extra)
    return villages[:MAX_VILLAGES_PER_BLOCK]


def _block(
    block: Block,
    villages: list[list[int]],
    udise_prefix: str,
    details: random.Random,
    children: random.Random,
    mobiles: UniqueNumbers,
) -> BlockPlan:
    """The block's clusters, each a run of neighbouring villages with about 27 schools."""
    total = sum(len(v) for v in villages)
    n_clusters = max(1, round(total / SCHOOLS_PER_CLUSTER)) if total else 0
    plan = BlockPlan(block, [_cluster(block, number) for number in range(1, n_clusters + 1)])
    # Census village codes leave gaps, and so does the village part of a UDISE code.
    village_numbers = sorted(details.sample(range(1, MAX_VILLAGES_PER_BLOCK + 1), len(villages)))
    placed = 0
    for village_no, categories in zip(village_numbers, villages, strict=True):
        # The cluster a village belongs to follows from how many schools came before it.
        cluster = plan.clusters[min(n_clusters - 1, placed * n_clusters // total)]
        village = village_name(details)
        kinds: Counter[tuple[str, str]] = Counter()  # a village's second GPS is "GPS Rampur No. 2"
        for school_no, category in enumerate(categories, 1):
            kinds[SCHOOL_KIND[category]] += 1
            name_en, name_hi = school_name(category, village, kinds[SCHOOL_KIND[category]])
            cluster.schools.append(
                SchoolPlan(
                    udise_code=f"{udise_prefix}{village_no:03d}{school_no:02d}",
                    name_en=name_en,
                    name_hi=name_hi,
                    category=category,
                    start_time=_weighted(details, START_TIMES),
                    hm_mobile=mobiles.draw("9", 9),
                    enrolment=school_enrolment(children, category),
                )
            )
        placed += len(categories)
    return plan


def _cluster(block: Block, number: int) -> ClusterPlan:
    # Named after the block, not after the village of its high school as real ones are: an
    # officer then sees at once which block a cluster is in.
    return ClusterPlan(
        code=f"{block.code}-{number:02d}",
        name_en=f"{block.name_en} Sankul {number:02d}",
        name_hi=f"{block.name_hi or block.name_en} संकुल {number:02d}",
    )


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """Share total out in proportion to weights, in whole numbers that add up to total
    (largest remainder first)."""
    weight_sum = sum(weights)
    if not weights or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    shares = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]
