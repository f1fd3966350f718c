"""The declared shapes, one module per area: request bodies (`base.Body`), queries and form
fields (`base.Query`) and answers (`base.Answer`). The API checks its requests against them
(`api/spec.declare`) and draws its OpenAPI document from them (`api/openapi.py`); the pages
read their forms with the same models (`web/forms.read`)."""
