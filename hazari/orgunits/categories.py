"""School categories and the classes each one teaches.

The codes are UDISE+ school-category codes, so a state's portal export maps onto them as is.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.IntegerChoices):
    PRIMARY = 1, _("Primary (1–5)")
    PRIMARY_MIDDLE = 2, _("Primary with middle (1–8)")
    PRIMARY_TO_HIGHER_SECONDARY = 3, _("Primary to higher secondary (1–12)")
    MIDDLE = 4, _("Middle (6–8)")
    MIDDLE_TO_HIGHER_SECONDARY = 5, _("Middle to higher secondary (6–12)")
    PRIMARY_TO_HIGH = 6, _("Primary to high (1–10)")
    MIDDLE_HIGH = 7, _("Middle with high (6–10)")
    HIGH = 8, _("High (9–10)")
    HIGH_HIGHER_SECONDARY = 10, _("High with higher secondary (9–12)")
    HIGHER_SECONDARY = 11, _("Higher secondary (11–12)")


CLASS_SPAN: dict[int, tuple[int, int]] = {
    Category.PRIMARY: (1, 5),
    Category.PRIMARY_MIDDLE: (1, 8),
    Category.PRIMARY_TO_HIGHER_SECONDARY: (1, 12),
    Category.MIDDLE: (6, 8),
    Category.MIDDLE_TO_HIGHER_SECONDARY: (6, 12),
    Category.PRIMARY_TO_HIGH: (1, 10),
    Category.MIDDLE_HIGH: (6, 10),
    Category.HIGH: (9, 10),
    Category.HIGH_HIGHER_SECONDARY: (9, 12),
    Category.HIGHER_SECONDARY: (11, 12),
}

LOWEST_CLASS, HIGHEST_CLASS = 1, 12


def class_range(category: int, lowest: int | None = None, highest: int | None = None) -> range:
    """The classes a school of this category teaches, unless overridden."""
    low, high = CLASS_SPAN[category]
    return range(lowest or low, (highest or high) + 1)
