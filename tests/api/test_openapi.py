"""GET /api/openapi.json: the description schemathesis tests the API against."""

import re

from app.api.openapi import DOCUMENT


def test_the_served_document_is_the_one_tested(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json == DOCUMENT
    assert response.json["openapi"].startswith("3.")


def test_every_api_route_is_described(app):
    described = {
        (path, method.upper()) for path, item in DOCUMENT["paths"].items() for method in item
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            served |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == described


def test_security_schemes(client):
    schemes = DOCUMENT["components"]["securitySchemes"]
    assert schemes == {
        "basic": {"type": "http", "scheme": "basic"},
        "bearer": {"type": "http", "scheme": "bearer"},
    }
    assert DOCUMENT["paths"]["/api/tokens"]["post"]["security"] == [{"basic": []}]
    assert DOCUMENT["paths"]["/api/timeline"]["get"]["security"] == [{"bearer": []}]
