"""The state's administrative tree: state → district → block → cluster → school.

Every unit row carries a foreign key to each of its ancestors (state, district, block,
cluster). "Everything under block X" is then one equality on an indexed column, on SQLite and
PostgreSQL alike, and a rollup "by block" is a GROUP BY on an integer. The price is that a
unit's ancestors are written in four columns instead of one `parent`; units never move between
parents in practice, and `OrgUnit.parent` is derived from them. See docs/decisions.md.
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hazari.lib import prepared
from hazari.orgunits.categories import HIGHEST_CLASS, LOWEST_CLASS, Category, class_range

if TYPE_CHECKING:
    from collections.abc import Sequence


class Level(models.IntegerChoices):
    STATE = 0, _("State")
    DISTRICT = 1, _("District")
    BLOCK = 2, _("Block")
    CLUSTER = 3, _("Cluster")
    SCHOOL = 4, _("School")


# The ancestor column that holds a unit of each level, in order from the root.
ANCESTOR_FIELDS: "Sequence[str]" = ("state", "district", "block", "cluster")

udise_validator = RegexValidator(r"^\d{11}$", _("A UDISE code has exactly 11 digits."))
mobile_validator = RegexValidator(
    r"^[6-9]\d{9}$", _("A mobile number has 10 digits and starts with 6, 7, 8 or 9.")
)


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def subtree(self, unit: "OrgUnit") -> "OrgUnitQuerySet":
        """The unit and every unit below it."""
        return self.filter(unit.subtree_q())

    def children_of(self, unit: "OrgUnit") -> "OrgUnitQuerySet":
        if unit.level == Level.SCHOOL:
            return self.none()
        return self.filter(level=unit.level + 1, **{ANCESTOR_FIELDS[unit.level]: unit})


class OrgUnit(models.Model):
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    code = models.CharField(_("code"), max_length=20)
    name_en = models.CharField(_("name (English)"), max_length=150)
    name_hi = models.CharField(_("name (Hindi)"), max_length=150, blank=True)
    state = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("state")
    )
    district = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    block = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("block")
    )
    cluster = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("cluster")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["level", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="orgunit_unique_code"),
            # A unit has exactly the ancestors above its level and none at or below it.
            models.CheckConstraint(
                name="orgunit_ancestors_match_level",
                condition=(
                    Q(level=0, state__isnull=True, district__isnull=True)
                    & Q(block__isnull=True, cluster__isnull=True)
                )
                | (
                    Q(level=1, state__isnull=False, district__isnull=True)
                    & Q(block__isnull=True, cluster__isnull=True)
                )
                | (
                    Q(level=2, state__isnull=False, district__isnull=False)
                    & Q(block__isnull=True, cluster__isnull=True)
                )
                | (
                    Q(level=3, state__isnull=False, district__isnull=False)
                    & Q(block__isnull=False, cluster__isnull=True)
                )
                | (
                    Q(level=4, state__isnull=False, district__isnull=False)
                    & Q(block__isnull=False, cluster__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the language of the request, falling back to English."""
        if (get_language() or "hi").startswith("hi") and self.name_hi:
            return self.name_hi
        return self.name_en

    @property
    def parent_id(self) -> int | None:
        if self.level == Level.STATE:
            return None
        return getattr(self, f"{ANCESTOR_FIELDS[self.level - 1]}_id")

    @property
    def parent(self) -> Optional["OrgUnit"]:
        if self.level == Level.STATE:
            return None
        return getattr(self, ANCESTOR_FIELDS[self.level - 1])

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent."""
        return [getattr(self, f"{f}_id") for f in ANCESTOR_FIELDS[: self.level]]

    def subtree_q(self, prefix: str = "") -> Q:
        """A filter for this unit and everything below it; prefix reaches it through a relation,
        e.g. subtree_q("unit__") on School."""
        own = Q(**{f"{prefix}pk": self.pk})
        if self.level == Level.SCHOOL:
            return own
        return own | Q(**{f"{prefix}{ANCESTOR_FIELDS[self.level]}": self.pk})

    def contains(self, other: "OrgUnit") -> bool:
        """True when other is this unit or lies below it."""
        return other.pk == self.pk or self.pk in other.ancestor_ids()

    def set_parent(self, parent: Optional["OrgUnit"]) -> None:
        """Fill the ancestor columns from the parent; the level follows from it."""
        for field in ANCESTOR_FIELDS:
            setattr(self, f"{field}_id", None)
        if parent is None:
            self.level = Level.STATE
            return
        self.level = parent.level + 1
        for field, ancestor_id in zip(ANCESTOR_FIELDS, parent.ancestor_ids(), strict=False):
            setattr(self, f"{field}_id", ancestor_id)
        setattr(self, f"{ANCESTOR_FIELDS[parent.level]}_id", parent.pk)


@dataclass(frozen=True, slots=True)
class SchoolFacts:
    """A school as the upload of a capture needs it, read in one query without model objects."""

    id: int
    state_id: int
    district_id: int
    block_id: int
    cluster_id: int
    start_time: datetime.time
    classes: range

    @property
    def row(self) -> tuple[int, int, int, int, int]:
        """The school, then its ancestors from the state down (hazari.schooldays.days)."""
        return (self.id, self.state_id, self.district_id, self.block_id, self.cluster_id)

    @property
    def chain(self) -> tuple[int, int, int, int, int]:
        """Its ancestors from the state down, then the school."""
        return (self.state_id, self.district_id, self.block_id, self.cluster_id, self.id)


class SchoolQuerySet(models.QuerySet["School"]):
    def under(self, unit: OrgUnit) -> "SchoolQuerySet":
        """Every school in the unit's subtree: one indexed equality, never a walk."""
        return self.filter(unit.subtree_q("unit__"))


class School(models.Model):
    """What a school has beyond its place in the tree. Its UDISE code is the unit's code."""

    unit = models.OneToOneField(
        OrgUnit, models.CASCADE, primary_key=True, related_name="school", verbose_name=_("unit")
    )
    category = models.PositiveSmallIntegerField(_("category"), choices=Category.choices)
    lowest_class_override = models.PositiveSmallIntegerField(
        _("lowest class (override)"), null=True, blank=True
    )
    highest_class_override = models.PositiveSmallIntegerField(
        _("highest class (override)"), null=True, blank=True
    )
    start_time = models.TimeField(_("school start time"), default=datetime.time(10, 0))
    hm_mobile = models.CharField(
        _("head master's mobile"), max_length=10, blank=True, validators=[mobile_validator]
    )

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [
            models.CheckConstraint(
                name="school_class_override_in_range",
                condition=(
                    Q(lowest_class_override__isnull=True)
                    | Q(lowest_class_override__gte=LOWEST_CLASS)
                )
                & (
                    Q(highest_class_override__isnull=True)
                    | Q(highest_class_override__lte=HIGHEST_CLASS)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} ({self.udise_code})"

    @property
    def udise_code(self) -> str:
        return self.unit.code

    @property
    def classes(self) -> range:
        """The classes the school teaches: from its category unless overridden."""
        return class_range(self.category, self.lowest_class_override, self.highest_class_override)


# The range of a 64-bit primary key. The ORM's lookups match nothing outside it; the raw SQL
# below must say so itself (SQLite cannot even bind such a number: OverflowError).
_MIN_PK, _MAX_PK = -(2**63), 2**63 - 1


def school_facts(pk: int) -> SchoolFacts | None:
    """The school as the capture upload needs it: one query, no ORM compilation (the upload's
    hot path). The SQL is built once per database vendor."""
    if not _MIN_PK <= pk <= _MAX_PK:
        return None
    sql = _FACTS_SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        school, unit = School._meta, OrgUnit._meta
        columns = ", ".join(f"o.{quote(f + '_id')}" for f in ANCESTOR_FIELDS)
        columns += ", s.start_time, s.category, s.lowest_class_override, s.highest_class_override"
        sql = _FACTS_SQL[connection.vendor] = (
            f"SELECT {columns} FROM {quote(school.db_table)} s "  # noqa: S608 (model names)
            f"JOIN {quote(unit.db_table)} o ON o.id = s.unit_id WHERE s.unit_id = %s"
        )
    with connection.cursor() as cursor:
        prepared.execute(cursor, "hazari_school_facts", sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    state, district, block, cluster, start, category, low, high = row
    if isinstance(start, str):  # SQLite keeps times as text
        start = datetime.time.fromisoformat(start)
    return SchoolFacts(pk, state, district, block, cluster, start, class_range(category, low, high))


_FACTS_SQL: dict[str, str] = {}


def unit_in_area(pk: int, area: OrgUnit) -> OrgUnit | None:
    """The unit `pk` if it is `area` or lies below it, None otherwise; with its ancestors
    loaded (unit.state, unit.district, …: the way down to it, for the crumbs). One query and
    no ORM compilation: every dashboard page opens a unit, and the same with
    select_related on the four ancestors costs ~2 ms of CPU to compile, ten times the query."""
    if not _MIN_PK <= pk <= _MAX_PK:
        return None
    key = (connection.vendor, area.level)
    sql = _IN_AREA_SQL.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        table = quote(OrgUnit._meta.db_table)
        columns = ", ".join(f"o.{quote(str(f.column))}" for f in OrgUnit._meta.concrete_fields)
        chain = ", ".join(["u.id", *(f"u.{quote(f + '_id')}" for f in ANCESTOR_FIELDS)])
        inside = "u.id = %s"
        if area.level != Level.SCHOOL:
            inside = f"(u.id = %s OR u.{quote(ANCESTOR_FIELDS[area.level] + '_id')} = %s)"
        sql = _IN_AREA_SQL[key] = (
            f"SELECT {columns} FROM {table} u "  # noqa: S608 (model names)
            f"JOIN {table} o ON o.id IN ({chain}) WHERE u.id = %s AND {inside}"
        )
    params = [pk, area.pk] if area.level == Level.SCHOOL else [pk, area.pk, area.pk]
    found = {o.pk: o for o in OrgUnit.objects.raw(sql, params)}
    unit = found.get(pk)
    if unit is not None:
        for field in ANCESTOR_FIELDS[: unit.level]:
            setattr(unit, field, found[getattr(unit, f"{field}_id")])
    return unit


_IN_AREA_SQL: dict[tuple[str, int], str] = {}
