"""Catalog views, one module per area: ``public`` (buyers), ``organizations``, and the rest as they come."""
