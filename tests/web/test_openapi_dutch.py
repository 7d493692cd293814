"""The OpenAPI description speaks Dutch: every operation has a Dutch summary and a Dutch tag."""

import json

from web.openapi import SUMMARIES, TAGS


def test_every_operation_has_a_dutch_summary_and_tag(site):
    schema = site.api().get("/openapi.json").json()
    tags = {t["name"] for t in TAGS}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            # from the table in web/openapi.py, else the route's own Dutch summary (never FastAPI's
            # default, the function name in English title case such as "Api Themes")
            expected = SUMMARIES.get((method.upper(), path))
            assert operation["summary"] == expected if expected else operation["summary"], (method, path)
            assert not operation["summary"].startswith("Api "), (method, path)
            assert operation["tags"] and set(operation["tags"]) <= tags, (method, path, operation["tags"])
    text = json.dumps(schema)
    for english in ("Successful Response", "Validation Error", '"Api ', "Same JSON as"):
        assert english not in text, english
