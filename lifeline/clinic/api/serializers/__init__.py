"""Input and output serializers of the clinic API, one module per entity (class names are
the OpenAPI component names: never rename them)."""
