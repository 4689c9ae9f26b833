"""Catalog views, one module per area: ``public`` and ``opendata`` (buyers); ``dashboard``, ``consortia``,
``invitations``, ``packages``, ``translations`` (submitters); ``organizations`` (an organization's own pages)."""
