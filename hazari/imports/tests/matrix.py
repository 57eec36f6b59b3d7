"""Import pages in the access matrix (see accounts/tests/test_access_matrix.py)."""

from hazari.accounts import scope
from hazari.imports.models import ImportBatch, RowProblem


def _outside_import(world, who):
    """An import of another area: made on demand, by the officer of the other district."""
    other = world.zoya if world.district_a.contains(who.unit) else world.dinesh
    batch = ImportBatch.objects.filter(uploaded_by=other).first()
    if batch is None:
        batch = ImportBatch.objects.create(
            kind="enrolment",
            status="checked",
            file_name="x.csv",
            sha256="0" * 64,
            area=other.unit,
            uploaded_by=other,
        )
    if batch in scope.imports_for(who):  # the state's people see everything
        return None
    return batch


ENDPOINTS: list[tuple[str, str, str, dict | None]] = [
    ("get", "/imports/{pk}/", "import", None),
    ("post", "/imports/{pk}/apply/", "import", {}),
    ("get", "/imports/{pk}/rejected-rows.csv", "import", None),
]
TARGETS = {"import": _outside_import}


def snapshot():
    return (
        list(ImportBatch.objects.order_by("pk").values_list("pk", "status")),
        RowProblem.objects.count(),
    )
