"""Static shape checker: find every dimension that collapses, before anything runs."""
