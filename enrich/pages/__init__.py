"""What a company's own pages say, read once per fetched site.

``links`` picks which linked pages are worth fetching (contact, imprint, about, jobs);
``structured`` reads schema.org data (JSON-LD and microdata through extruct); ``identifiers``,
``people``, ``address`` and ``language`` read printed text; ``profile`` puts them together,
each value with the page it came from and when that page was fetched. The signal providers in
``enrich/signals/`` hand these values to the warehouse.
"""
