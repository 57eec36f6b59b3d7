"""An import of a register file (enrolment, students, staff postings) and what came of it."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from hazari.accounts.models import User
from hazari.orgunits.models import OrgUnit


class Kind(models.TextChoices):
    ENROLMENT = "enrolment", _("Enrolment")
    STUDENTS = "students", _("Student register")
    STAFF = "staff", _("Staff postings (HRMIS)")


class Status(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked: ready to import")
    REJECTED = "rejected", _("Rejected: nothing imported")
    APPLYING = "applying", _("Importing")
    APPLIED = "applied", _("Imported")
    FAILED = "failed", _("Failed: nothing imported")


class ImportBatch(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    # Empty when a management command read the file in place on the server.
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    # The area whose schools the file may touch: the importer's own unit.
    area = models.ForeignKey(OrgUnit, models.PROTECT, related_name="+", verbose_name=_("area"))
    # Null when run by a management command on the server.
    uploaded_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("uploaded by")
    )
    options = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    message = models.TextField(blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created"]
        indexes = [models.Index(fields=["area", "-created"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in (Status.QUEUED, Status.CHECKING, Status.APPLYING)

    @property
    def source(self) -> str:
        """How history records name this import: who sent which file."""
        who = self.uploaded_by.username if self.uploaded_by else "server"
        return f"import {self.id} of {self.file_name} by {who}"[:100]


class RowProblem(models.Model):
    """One reason a row was rejected. Only the first MAX_KEPT per import are kept; the
    batch's `rejected` count covers them all."""

    MAX_KEPT = 10_000

    batch = models.ForeignKey(ImportBatch, models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField()
    field = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=40)
    message_hi = models.TextField()
    message_en = models.TextField()

    class Meta:
        ordering = ["row", "id"]

    def __str__(self) -> str:
        return f"row {self.row}: {self.code}"
