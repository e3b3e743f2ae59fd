"""The provider's claims, and the faults a test can ask for (see __init__.py)."""

import json
import time

from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator

# Per username: extra claims such as the personeelsnummer; set by /_test/reset.
EXTRA_CLAIMS = {}
# The fault the next ID tokens carry, if any; set by /_test/fault.
FAULT = {}
# A key the provider never published: a token signed with it has a bad signature.
ROGUE_KEY = jwk.JWK.generate(kty="RSA", size=2048)


class CityValidator(OAuth2Validator):
    # Every claim for every scope: the city's platform decides what it releases, not this test.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        claims = {"email": request.user.email, "preferred_username": request.user.username}
        claims.update(EXTRA_CLAIMS.get(request.user.username, {}))
        return claims

    def finalize_id_token(self, id_token, token, token_handler, request):
        signed = super().finalize_id_token(id_token, token, token_handler, request)
        kind = FAULT.get("fault")
        if not kind:
            return signed
        key = request.client.jwk_key
        parsed = jwt.JWT(jwt=signed, key=key)
        header = json.loads(parsed.header)
        claims = json.loads(parsed.claims)
        now = int(time.time())
        if kind == "wrong_audience":
            # Issued to another application; azp names ours, which must not be enough.
            claims["aud"] = ["another-application"]
            claims["azp"] = request.client.client_id
        elif kind == "wrong_issuer":
            claims["iss"] = "http://127.0.0.1:9/another-issuer"
        elif kind == "expired":
            claims["iat"] = now - 3600
            claims["exp"] = now - FAULT.get("seconds", 600)
        elif kind == "issued_in_future":
            claims["iat"] = now + FAULT.get("seconds", 600)
        elif kind == "wrong_nonce":
            claims["nonce"] = "a-nonce-this-browser-never-sent"
        elif kind == "bad_signature":
            key = ROGUE_KEY  # same key id in the header, another key's signature
        elif kind == "claims":
            claims.update(FAULT["claims"])
        else:
            raise ValueError(kind)
        forged = jwt.JWT(header=header, claims=claims)
        forged.make_signed_token(key)
        return forged.serialize()
