"""The demo agency `python -m identity.seed` creates (see the README)."""

DEMO_PASSWORD = "ocms-demo-2026"
PLATFORM_ADMIN = "platform@ocms.example.org"
AGENCY_ADMIN = "admin@maple.example.org"
MANAGER = "manager@maple.example.org"
CASEWORKER_SETTLEMENT = "amal.worker@maple.example.org"
CASEWORKER_EMPLOYMENT = "bao.worker@maple.example.org"
