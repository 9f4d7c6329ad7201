"""The SDK's data models: attrs classes that keep the raw JSON they came from."""
