"""Checks look at the site and its output and report findings; they never change anything."""
