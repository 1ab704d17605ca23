"""The reports managers run on the read model: a declarative catalog and its runner."""
