"""The real Madhya Pradesh districts and blocks the demo state is built on (see data/SOURCES.md).

Only the districts and blocks are real. Everything below a block (clusters, schools, people,
children) is made up by hazari.demo.plan.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

STATE_CODE = "23"  # Madhya Pradesh's code in LGD, Census and UDISE alike.
STATE_NAME_EN = "Madhya Pradesh"
STATE_NAME_HI = "मध्य प्रदेश"

# The government schools a district's share of the state's schools is taken from.
SCHOOL_COUNT_COLUMNS = ("schoolgis_dept_of_education", "schoolgis_tribal_welfare")


@dataclass
class Block:
    code: str  # LGD block code
    name_en: str
    name_hi: str  # empty for 303 of the 313 blocks: LGD has no Hindi name for them


@dataclass
class District:
    code: str  # LGD district code, or a synthetic "X-..." code (see read_districts)
    name_en: str
    name_hi: str
    udise_code: str  # two digits, the district's part of every UDISE code in it
    government_schools: int  # SchoolGIS records, used only as a weight
    blocks: list[Block] = field(default_factory=list)


def read_districts() -> list[District]:
    """All 55 districts with their blocks, in the order of mp_districts.csv (by English name).

    Mauganj, Maihar and Pandhurna were created in 2023, after every source that gives codes.
    They get a synthetic LGD code "X-<NAME>" and the next unused UDISE district numbers (53,
    54, 55 in file order). The block list still places their blocks under Rewa, Satna and
    Chhindwara, so they have no blocks and therefore no schools (SOURCES.md, gaps 1 and 2).
    """
    extra = {row["name_en"]: row for row in _rows("mp_districts_codes.csv")}
    used_udise = {r["udise_district_code"][-2:] for r in extra.values() if r["udise_district_code"]}
    spare_udise = (f"{n:02d}" for n in range(1, 100) if f"{n:02d}" not in used_udise)
    districts = []
    for row in _rows("mp_districts.csv"):
        codes = extra[row["name_en"]]
        udise = codes["udise_district_code"]
        districts.append(
            District(
                code=row["district_code"] or _synthetic_code(row["name_en"]),
                name_en=row["name_en"],
                name_hi=row["name_hi"],
                udise_code=udise[-2:] if udise else next(spare_udise),
                government_schools=sum(int(codes[c] or 0) for c in SCHOOL_COUNT_COLUMNS),
            )
        )
    by_name = {d.name_en: d for d in districts}
    for row in _rows("mp_blocks.csv"):
        by_name[row["district_name_en"]].blocks.append(
            Block(code=row["block_code"], name_en=row["name_en"], name_hi=row["name_hi"])
        )
    return districts


def _synthetic_code(name_en: str) -> str:
    return "X-" + "".join(c for c in name_en.upper() if c.isalnum())


def _rows(filename: str) -> list[dict[str, str]]:
    with open(DATA_DIR / filename, encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]
