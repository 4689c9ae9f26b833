"""Views of the catalog API, one module per audience: ``public``, ``manage`` (submitters), ``memberships``."""
