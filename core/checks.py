"""System checks for how the site is deployed."""
