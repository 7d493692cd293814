"""The OpenAPI description speaks Dutch: every operation has a Dutch summary and a Dutch tag."""

import json

from web.openapi import SUMMARIES, TAGS


def test_every_operation_has_a_dutch_summary_and_tag(site):
    schema = site.api().get("/openapi.json").json()
    tags = {t["name"] for t in TAGS}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation["summary"] == SUMMARIES.get((method.upper(), path)), (method, path)
            assert operation["tags"] and set(operation["tags"]) <= tags, (method, path, operation["tags"])
    text = json.dumps(schema)
    for english in ("Successful Response", "Validation Error", '"Api ', "Same JSON as"):
        assert english not in text, english
