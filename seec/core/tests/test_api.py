"""The REST API: tokens, error bodies, rate limits, the OpenAPI schema."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from seec.core.audit import Action
from seec.core.models import ApiToken, AuditEvent, RoleCode
from seec.core.tests.factories import PASSWORD


@pytest.fixture
def api():
    return APIClient()


def obtain(api, username, password=PASSWORD, **extra):
    return api.post(
        "/api/auth/token/", {"username": username, "password": password, **extra}, format="json"
    )


def test_token_is_issued_for_valid_credentials_and_works(api, region):
    response = obtain(api, "gr-case_manager")
    assert response.status_code == 201
    token = response.json()["token"]
    assert ApiToken.objects.filter(digest=ApiToken.digest_of(token)).exists()
    assert not ApiToken.objects.filter(digest=token).exists()  # never stored in clear
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/me/").json()
    assert me["username"] == "gr-case_manager"
    assert "view_personal_data" in me["capabilities"]
    assert AuditEvent.objects.filter(action=Action.TOKEN_ISSUED).exists()


def test_wrong_password_gets_401_with_the_error_shape(api, region):
    response = obtain(api, "gr-case_manager", "wrong")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == "authentication_failed"


def test_malformed_body_names_the_missing_field(api, region):
    response = api.post("/api/auth/token/", {"username": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"password": ["This field is required."]}
    response = api.post("/api/auth/token/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_expired_token_is_refused(api, region):
    token = obtain(api, "gr-case_manager").json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get("/api/me/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_token_can_be_revoked(api, region):
    token = obtain(api, "gr-case_manager").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.delete("/api/auth/token/").status_code == 204
    assert api.get("/api/me/").status_code == 401


@override_settings(SEEC_REQUIRE_SECOND_FACTOR=True)
def test_token_needs_the_second_factor_where_required(api, region):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    response = obtain(api, "gr-case_manager")
    assert response.status_code == 403
    device = TOTPDevice.objects.create(user=region.users[RoleCode.CASE_MANAGER], confirmed=True)
    response = obtain(api, "gr-case_manager")
    assert response.status_code == 400 and "otp" in response.json()["errors"]
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert obtain(api, "gr-case_manager", otp=code).status_code == 201


def test_sign_in_is_rate_limited(api, region):
    from seec.core.api import TokenView

    rates = {"sign-in": "3/min"}
    original = TokenView.throttle_classes[0].THROTTLE_RATES
    TokenView.throttle_classes[0].THROTTLE_RATES = {**original, **rates}
    try:
        codes = [obtain(api, "gr-analyst").status_code for _ in range(4)]
    finally:
        TokenView.throttle_classes[0].THROTTLE_RATES = original
    assert codes == [201, 201, 201, 429]


def test_locked_out_account_gets_a_clear_api_error(api, region, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        obtain(api, "gr-analyst", "wrong")
    response = obtain(api, "gr-analyst")
    assert response.status_code == 429
    assert "administrator" in response.json()["detail"]


def test_language_change_through_the_api_is_validated(api, region):
    api.force_authenticate(region.users[RoleCode.ANALYST])
    response = api.patch("/api/me/", {"preferred_language": "xx"}, format="json")
    assert response.status_code == 400
    assert "preferred_language" in response.json()["errors"]
    response = api.patch("/api/me/", {"preferred_language": "el"}, format="json")
    assert response.status_code == 200
    assert response.json()["preferred_language"] == "el"


def test_openapi_schema_describes_the_api(api, region):
    api.force_authenticate(region.users[RoleCode.ANALYST])
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/auth/token/" in schema["paths"]
    assert "/api/audit-events/" in schema["paths"]
    assert api.get("/api/docs/").status_code == 200


def test_audit_events_filter_rejects_a_bad_date(api, region):
    api.force_authenticate(region.users[RoleCode.ADMINISTRATOR])
    response = api.get("/api/audit-events/", {"since": "yesterday"})
    assert response.status_code == 400
    assert "since" in response.json()["errors"]
