"""The open data of the service as plain Python: policies and their clause trees, dated
parameters, calculations, the acceptance features, coverage and ambiguities. No Flask here:
the resources serialise these, and the review page and the bulk download are built from them."""
