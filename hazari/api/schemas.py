from ninja import Schema


class UnitOut(Schema):
    id: int
    level: int
    level_name: str
    code: str
    name_en: str
    name_hi: str
    parent_id: int | None


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_name: str
    unit: UnitOut | None


class ErrorOut(Schema):
    code: str
    message_en: str
    message_hi: str
