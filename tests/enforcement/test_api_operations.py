"""The API's operations are a contract: moving code between apps must not add, drop or rename one.

``docs/api-operations.txt`` lists every operation of the OpenAPI schema (method, path, operation id). A
change to the API is made on purpose, by editing that list in the same commit, with the reason in its
message: `make api-operations` writes the list from the schema.
"""

from pathlib import Path

OPERATIONS_FILE = Path(__file__).resolve().parents[2] / "docs" / "api-operations.txt"
METHODS = ("get", "post", "put", "patch", "delete")


def schema_operations() -> list[str]:
    from drf_spectacular.generators import SchemaGenerator  # after django.setup() when run as a script

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        f"{method.upper()} {path} {operation['operationId']}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    )


def committed_operations() -> list[str]:
    lines = OPERATIONS_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_the_schema_has_exactly_the_committed_operations():
    actual, committed = schema_operations(), committed_operations()
    assert [op for op in actual if op not in committed] == [], "operations not in docs/api-operations.txt"
    assert [op for op in committed if op not in actual] == [], "operations gone from the schema"
    assert actual == committed


def test_every_operation_id_is_unique():
    ids = [line.split()[2] for line in committed_operations()]
    assert len(ids) == len(set(ids))


if __name__ == "__main__":  # `make api-operations`: write the list from the schema
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    print("# Every operation of the API (method, path, operation id), sorted:")
    print("# tests/enforcement/test_api_operations.py compares the schema with this list.")
    print("# Regenerate with `make api-operations`.")
    print("\n".join(schema_operations()))
