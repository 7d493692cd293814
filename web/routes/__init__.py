"""HTTP routes, one module per area; each page route has its JSON twin next to it or in api.py."""
