"""Client profiles: named and anonymous, consent, family links, completeness."""
