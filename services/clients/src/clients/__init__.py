"""OCMS clients: client profiles, consent, family links, notes, settlement plans."""
