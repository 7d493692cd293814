"""Read pages: one module per resource, each with its data functions and, for every page, the HTML
route and its JSON twin rendered from the same dict (the twin is the dict, the page renders it)."""

from web.pages import accounts, barriers, municipalities, overview, projects, regulations, search, themes

ROUTERS = [overview.router, search.router, barriers.router, regulations.router, projects.router,
           municipalities.router, themes.router, accounts.router]
