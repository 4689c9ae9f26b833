"""Catalog forms: public pages (buyers), submitter pages (consortia, package wizard), staff review actions,
organizations (create, edit, members)."""
