"""Forms of the submitter pages (consortia, package wizard) and of the staff review actions."""
