"""How many children a made-up school has in each class.

Most government schools in Madhya Pradesh are small village schools: a primary school
typically has 20 to 80 children, and a few in big villages or towns have 300 or more. So a
school's size is drawn from a log-normal distribution around a typical size for its category.
High schools take in the children of several middle schools and so are bigger per class.
Fewer children reach each higher class, and girls are a little under half.

At full scale this gives about 87 lakh children in 92,439 schools (UDISE+ reports about 1.5
crore children in all of the state's schools, private ones included).
"""

import random
from dataclasses import dataclass

from hazari.orgunits.categories import CLASS_SPAN, Category

# Children in the lowest class of a typical (median) school of each category.
TYPICAL_FIRST_CLASS = {
    Category.PRIMARY: 10.5,
    Category.PRIMARY_MIDDLE: 16,
    Category.PRIMARY_TO_HIGH: 21,
    Category.PRIMARY_TO_HIGHER_SECONDARY: 27,
    Category.MIDDLE: 27,
    Category.MIDDLE_HIGH: 34,
    Category.MIDDLE_TO_HIGHER_SECONDARY: 40,
    Category.HIGH: 62,
    Category.HIGH_HIGHER_SECONDARY: 78,
    Category.HIGHER_SECONDARY: 55,
}
SIZE_SPREAD = 0.7  # sigma of the log-normal: a school 2 sigma up is 4 times the typical one
LARGEST = 8  # times the typical school: the log-normal's far tail has no real schools in it
KEPT_PER_CLASS = 0.95  # of the children in one class, about this many are in the next one
GIRLS_SHARE = 0.49
THIRD_GENDER_CHANCE = 0.002  # per class: a third-gender child is on the rolls now and then


@dataclass(frozen=True, slots=True)
class ClassCount:
    class_no: int
    boys: int
    girls: int
    third_gender: int

    @property
    def total(self) -> int:
        return self.boys + self.girls + self.third_gender


def school_enrolment(rng: random.Random, category: int) -> tuple[ClassCount, ...]:
    """One count per class the school teaches (every class has at least one child)."""
    lowest, highest = CLASS_SPAN[category]
    size = TYPICAL_FIRST_CLASS[Category(category)] * min(
        LARGEST, rng.lognormvariate(0, SIZE_SPREAD)
    )
    girls_share = _clamp(rng.gauss(GIRLS_SHARE, 0.03), 0.35, 0.6)
    counts = []
    for class_no in range(lowest, highest + 1):
        expected = size * KEPT_PER_CLASS ** (class_no - lowest) * rng.uniform(0.85, 1.15)
        children = max(1, round(expected))
        third_gender = 1 if children > 1 and rng.random() < THIRD_GENDER_CHANCE else 0
        share = _clamp(girls_share + rng.gauss(0, 0.04), 0.0, 1.0)
        girls = round((children - third_gender) * share)
        boys = children - third_gender - girls
        counts.append(ClassCount(class_no, boys, girls, third_gender))
    return tuple(counts)


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))
