"""Validates Karte's FHIR API against FHIR 4.0.1 and the JP Core choices in docs/fhir.md.

Run by scripts/fhir.sh against a running `karte serve --demo` (dev sign-in on loopback):

    python validate.py BASE_URL PERSON_ID...

For every demo person it signs in, reads Patient, MedicationDispense, Observation,
ExplanationOfBenefit and $everything, and parses every Bundle and every resource in it with
PyPI fhir.resources 6.1.0 (FHIR 4.0.1 models: structure, cardinality, value types). Then it
checks what the models cannot: each resource's profile URL, every identifier system and every
coding system against the lists below (taken from the spec), and that references resolve
inside their Bundle. Last, it issues a drugs-only app token on the proxies page and checks
that the token reads MedicationDispense and is refused Observation and ExplanationOfBenefit
(403 OperationOutcome). Prints one line per person; exits 1 on the first list of failures.
"""

import datetime
import http.client
import json
import sys
import urllib.parse

import fhir.resources
from fhir.resources import construct_fhir_element

CORE = "http://jpfhir.jp/fhir/core/StructureDefinition/"
PROFILES = {
    "Patient": {CORE + "JP_Patient"},
    "Coverage": {CORE + "JP_Coverage"},
    "Organization": {CORE + "JP_Organization"},
    "MedicationDispense": {CORE + "JP_MedicationDispense"},
    "Observation": {
        CORE + "JP_Observation_Common",
        CORE + "JP_Observation_BodyMeasurement",
        CORE + "JP_Observation_VitalSigns",
    },
    # No Japanese profile exists for EOB: base R4, no meta.profile.
    "ExplanationOfBenefit": set(),
}
IDENTIFIER_SYSTEMS = {
    "Patient": {
        "http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID",
        "https://karte.example.jp/fhir/sid/user-id",
    },
    "Coverage": {"http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID"},
    "Organization": {
        "http://jpfhir.jp/fhir/core/mhlw/IdSystem/InsurerNumber",
        "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no",
    },
    "MedicationDispense": {
        "http://jpfhir.jp/fhir/core/mhlw/IdSystem/Medication-RPGroupNumber",
        "http://jpfhir.jp/fhir/core/mhlw/IdSystem/MedicationAdministrationIndex",
    },
    "ExplanationOfBenefit": {"https://karte.example.jp/fhir/sid/iryohi-notice"},
    "Observation": set(),
}
CODE_SYSTEMS = {
    "urn:oid:1.2.392.100495.20.2.71",  # レセプト電算 医薬品コード
    "http://capstandard.jp/iyaku.info/CodeSystem/YJ-code",
    "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationUnitMERIT9Code",
    "http://unitsofmeasure.org",
    "urn:oid:1.2.392.200119.6.1005",  # 特定健診項目コード
    "http://jpfhir.jp/fhir/core/CodeSystem/JP_SimpleObservationCategory_CS",
    "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuranceMajorCategory",
    "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuredPersonCategory",
    "http://terminology.hl7.org/CodeSystem/adjudication",
    "http://terminology.hl7.org/CodeSystem/claim-type",
    "http://terminology.hl7.org/CodeSystem/v2-0482",
    "http://terminology.hl7.org/CodeSystem/claiminformationcategory",
}
CATEGORIES = {"laboratory", "body-measurement", "vital-signs", "exam"}
FHIR_JSON = "application/fhir+json"


class Client:
    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.base = base
        self.host, self.port = u.hostname, u.port

    def request(self, method, path, headers=None, body=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, r.getheaders(), data

    def sign_in(self, person):
        status, headers, _ = self.request(
            "POST",
            "/auth/dev",
            {"Origin": self.base, "Content-Type": "application/x-www-form-urlencoded"},
            urllib.parse.urlencode({"person": person}),
        )
        assert status == 303, f"dev sign-in of {person}: {status}"
        for k, v in headers:
            if k.lower() == "set-cookie" and v.startswith("__Host-karte_session="):
                return v.split(";")[0]
        raise AssertionError(f"no session cookie for {person}")

    def fhir(self, path, cookie=None, token=None):
        headers = {}
        if cookie:
            headers["Cookie"] = cookie
        if token:
            headers["Authorization"] = f"Bearer {token}"
        status, hdrs, data = self.request("GET", path, headers)
        ctype = dict((k.lower(), v) for k, v in hdrs).get("content-type", "")
        assert ctype.startswith(FHIR_JSON), f"{path}: content type {ctype}"
        return status, json.loads(data)


def walk(value, key=None):
    """Every (key, value) pair in a JSON tree."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, v
            yield from walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v, key)


def check_resource(res, where, errors):
    kind = res.get("resourceType")
    # Structure and value types of FHIR 4.0.1.
    try:
        construct_fhir_element(kind, res)
    except Exception as e:  # the model's error names the element
        errors.append(f"{where}: {kind} does not parse: {e}")
        return
    want = PROFILES.get(kind)
    if want is None:
        errors.append(f"{where}: unexpected resource {kind}")
        return
    got = set(res.get("meta", {}).get("profile", []))
    if want and not got or got - want:
        errors.append(f"{where}: {kind} profile {sorted(got)} not in {sorted(want)}")
    for ident in res.get("identifier", []):
        if ident.get("system") not in IDENTIFIER_SYSTEMS[kind]:
            errors.append(f"{where}: {kind} identifier system {ident.get('system')}")
        if not ident.get("value"):
            errors.append(f"{where}: {kind} identifier without value")
    for k, v in walk(res):
        if k == "coding":
            for c in v:
                if c.get("system") not in CODE_SYSTEMS:
                    errors.append(f"{where}: {kind} coding system {c.get('system')}")
                if not c.get("code"):
                    errors.append(f"{where}: {kind} coding without code")
        if k in ("valueQuantity", "quantity", "daysSupply") and isinstance(v, dict):
            if v.get("system") and v["system"] not in CODE_SYSTEMS:
                errors.append(f"{where}: {kind} quantity system {v['system']}")
    if kind == "Patient":
        systems = [i["system"] for i in res.get("identifier", [])]
        if "https://karte.example.jp/fhir/sid/user-id" not in systems:
            errors.append(f"{where}: Patient without the user id")
        for i in res.get("identifier", []):
            if i["system"].endswith("JP_Insurance_memberID") and i["value"].count(":") != 3:
                errors.append(f"{where}: memberID {i['value']!r} is not 保険者番号:記号:番号:枝番")
    if kind == "MedicationDispense":
        systems = [i["system"] for i in res.get("identifier", [])]
        if len(systems) != 2:
            errors.append(f"{where}: MedicationDispense needs rpNumber and orderInRp")
        q = res.get("quantity", {})
        if "value" not in q or "code" not in q:
            errors.append(f"{where}: MedicationDispense quantity needs value and code")
        if "whenHandedOver" not in res:
            errors.append(f"{where}: MedicationDispense without whenHandedOver")
    if kind == "Observation":
        cats = {c["code"] for cat in res.get("category", []) for c in cat.get("coding", [])}
        if not cats <= CATEGORIES or not cats:
            errors.append(f"{where}: Observation category {sorted(cats)}")
        if not res.get("code", {}).get("text"):
            errors.append(f"{where}: Observation without code.text")


def check_bundle(bundle, where, kind, errors):
    try:
        construct_fhir_element("Bundle", bundle)
    except Exception as e:
        errors.append(f"{where}: Bundle does not parse: {e}")
        return []
    if bundle.get("type") != kind:
        errors.append(f"{where}: Bundle type {bundle.get('type')}, want {kind}")
    entries = bundle.get("entry", [])
    urls = {e["fullUrl"] for e in entries}
    for e in entries:
        check_resource(e["resource"], where, errors)
    for k, v in walk(bundle):
        if k == "reference" and v not in urls:
            errors.append(f"{where}: reference {v} does not resolve in the Bundle")
    if kind == "collection" and entries and entries[0]["resource"]["resourceType"] != "Patient":
        errors.append(f"{where}: the first entry must be the Patient")
    return [e["resource"] for e in entries]


def issue_token(client, cookie, kinds):
    until = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    form = [("app_name", "validate.py"), ("until", until)] + [("kinds", k) for k in kinds]
    status, headers, _ = client.request(
        "POST",
        "/proxies/apps",
        {
            "Origin": client.base,
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        urllib.parse.urlencode(form),
    )
    assert status == 303, f"issuing a token: {status}"
    for k, v in headers:
        if k.lower() == "set-cookie" and v.startswith("__Host-karte_new_app_token="):
            return v.split(";")[0].split("=", 1)[1]
    raise AssertionError("no token cookie")


def main():
    base, people = sys.argv[1], sys.argv[2:]
    assert fhir.resources.__fhir_version__ == "4.0.1", fhir.resources.__fhir_version__
    client = Client(base)
    errors = []
    status, cap = client.fhir("/api/v1/fhir/metadata")
    assert status == 200
    construct_fhir_element("CapabilityStatement", cap)
    searches = [
        ("Patient", "/api/v1/me/fhir/Patient", "searchset"),
        ("MedicationDispense", "/api/v1/me/fhir/MedicationDispense", "searchset"),
        ("Observation", "/api/v1/me/fhir/Observation", "searchset"),
        ("ExplanationOfBenefit", "/api/v1/me/fhir/ExplanationOfBenefit", "searchset"),
        ("$everything", "/api/v1/me/fhir/$everything", "collection"),
    ]
    total = 0
    for person in people:
        cookie = client.sign_in(person)
        counts = {}
        for name, path, kind in searches:
            status, body = client.fhir(path, cookie=cookie)
            where = f"{person} {name}"
            if status != 200:
                errors.append(f"{where}: {status} {body}")
                continue
            resources = check_bundle(body, where, kind, errors)
            counts[name] = len(resources)
            total += len(resources)
        print(f"fhir: {person}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    # A bad parameter: an OperationOutcome naming it.
    cookie = client.sign_in(people[0])
    status, body = client.fhir("/api/v1/me/fhir/MedicationDispense?date=soon", cookie=cookie)
    construct_fhir_element("OperationOutcome", body)
    if status != 400 or body["issue"][0].get("expression") != ["date"]:
        errors.append(f"bad date: {status} {body}")
    # The scope of a drugs-only token.
    token = issue_token(client, cookie, ["drugs"])
    status, body = client.fhir("/api/v1/me/fhir/MedicationDispense", token=token)
    if status != 200:
        errors.append(f"drugs token on MedicationDispense: {status}")
    else:
        check_bundle(body, "token MedicationDispense", "searchset", errors)
    for path in ("/api/v1/me/fhir/Observation", "/api/v1/me/fhir/ExplanationOfBenefit"):
        status, body = client.fhir(path, token=token)
        construct_fhir_element("OperationOutcome", body)
        if status != 403 or body["issue"][0]["code"] != "forbidden":
            errors.append(f"drugs token on {path}: {status} {body}")
    status, body = client.fhir("/api/v1/me/fhir/$everything", token=token)
    kinds = {e["resource"]["resourceType"] for e in body.get("entry", [])}
    if status != 200 or kinds & {"Observation", "ExplanationOfBenefit"}:
        errors.append(f"drugs token on $everything: {status} {sorted(kinds)}")
    print("fhir: a drugs-only token reads MedicationDispense, is refused checkups and notices (403)")
    if errors:
        for e in errors[:50]:
            print("fhir: FAIL", e)
        print(f"fhir: {len(errors)} failures")
        sys.exit(1)
    print(f"fhir: passed ({len(people)} people, {total} resources parsed as FHIR 4.0.1)")


if __name__ == "__main__":
    main()
