"""Merging service documents: prefixes, renamed components, rewritten references."""

from typing import Any

from gateway.openapi_docs import merge

SERVICE_DOC: dict[str, Any] = {
    "openapi": "3.1.0",
    "paths": {
        "/clients": {
            "post": {
                "operationId": "register",
                "tags": ["clients"],
                "security": [{"HTTPBearer": []}],
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Client"}}
                    }
                },
                "responses": {"201": {"$ref": "#/components/responses/Created"}},
            },
            "parameters": [{"$ref": "#/components/parameters/Agency"}],
        },
        "/internal/rebuild": {"post": {"operationId": "rebuild"}},
        "/healthz": {"get": {}},
    },
    "components": {
        "schemas": {
            "Client": {
                "oneOf": [{"$ref": "#/components/schemas/Named"}],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {"named": "#/components/schemas/Named"},
                },
            },
            "Named": {"type": "object"},
        },
        "responses": {"Created": {"description": "created"}},
        "parameters": {"Agency": {"name": "agency", "in": "query"}},
        "securitySchemes": {"HTTPBearer": {"type": "http", "scheme": "bearer"}},
    },
    "tags": [{"name": "clients", "description": "Client profiles"}],
}

OWN_DOC: dict[str, Any] = {
    "paths": {
        "/api/auth/login": {"post": {"operationId": "login"}},
        "/api/{service}/{path}": {"get": {}},
    },
    "components": {"schemas": {"Client": {"type": "string"}}},
}


def test_merge_renames_components_and_rewrites_every_reference() -> None:
    doc = merge(OWN_DOC, {"clients": SERVICE_DOC}, [], cookie_name="ocms_session")

    assert set(doc["paths"]) == {"/api/auth/login", "/api/clients/clients"}
    operation = doc["paths"]["/api/clients/clients"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/clients.Client"}
    assert operation["responses"]["201"] == {"$ref": "#/components/responses/clients.Created"}
    assert doc["paths"]["/api/clients/clients"]["parameters"] == [
        {"$ref": "#/components/parameters/clients.Agency"}
    ]
    client = doc["components"]["schemas"]["clients.Client"]
    assert client["oneOf"] == [{"$ref": "#/components/schemas/clients.Named"}]
    assert client["discriminator"]["mapping"] == {"named": "#/components/schemas/clients.Named"}
    # The gateway's own schema of the same name stays apart.
    assert doc["components"]["schemas"]["gateway.Client"] == {"type": "string"}
    assert operation["operationId"] == "clients_register"
    assert operation["tags"] == ["clients: clients"]
    assert doc["tags"] == [{"name": "clients: clients", "description": "Client profiles"}]
    # Upstream bearer auth is replaced by the cookie.
    assert "security" not in operation
    assert set(doc["components"]["securitySchemes"]) == {"session"}
    assert doc["paths"]["/api/auth/login"]["post"]["security"] == []
    # The input was not modified.
    assert SERVICE_DOC["components"]["schemas"]["Client"]["oneOf"] == [
        {"$ref": "#/components/schemas/Named"}
    ]


def test_missing_services_are_named_in_the_description() -> None:
    doc = merge(OWN_DOC, {}, ["files", "clients"], cookie_name="ocms_session")
    assert doc["info"]["description"].endswith("did not answer: clients, files.")
