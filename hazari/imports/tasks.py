from django_tasks import task

from hazari.imports import engine


@task()
def check_import(batch_id: str) -> None:
    engine.check(batch_id)


@task()
def apply_import(batch_id: str) -> None:
    engine.apply(batch_id)
