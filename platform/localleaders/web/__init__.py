"""HTML pages: thin routes over the services, rendered with Jinja2 and made smoother by htmx."""
