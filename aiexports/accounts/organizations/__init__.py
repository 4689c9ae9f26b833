"""Organizations as seen by their members: services, selectors, forms and views (models live in catalog)."""
