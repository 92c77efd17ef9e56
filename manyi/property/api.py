from ninja import Router

router = Router(tags=["property"])
