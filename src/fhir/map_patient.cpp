// person → Patient, and a child's mother as its RelatedPerson part `mother`.
#include "fhir/mother_codes.h"

namespace u5::fhir::mother {
namespace {

// Vietnamese names are written family name first ("Nguyễn Thị Hoa"): the
// first word is the family name, the rest the given names; text keeps the name as written.
Element HumanName(const std::string& full) {
  Object name;
  name.Str("use", "official").Str("text", full);
  Array given;
  size_t start = 0;
  bool first = true;
  while (start < full.size()) {
    size_t end = full.find(' ', start);
    if (end == std::string::npos) end = full.size();
    if (end > start) {
      const std::string_view word = std::string_view(full).substr(start, end - start);
      if (first) name.Str("family", word);
      else given.Str(word);
      first = false;
    }
    start = end + 1;
  }
  if (!given.empty()) name.Put("given", given.Close());
  return name.Close();
}

Element Phone(const json& phone) {
  return Array().Add(Object().Str("system", "phone").Value("value", phone).Str("use", "mobile").Close()).Close();
}

// The address: the village as written, the commune and province named from the org unit, with their 2025 codes.
Object Address(const json& body, const std::optional<Place>& place) {
  Object a;
  if (body.contains("village")) a.Put("line", Array().Value(body["village"]).Close());
  if (place) {
    ExtensionList ext;
    if (place->kind == "commune") {
      a.Str("city", place->name);
      ext.Add("address-commune", "Code", place->code);
    }
    if (!place->province_name.empty()) {
      a.Str("state", place->province_name);
      ext.Add("address-province", "Code", place->province_code);
    }
    a.Str("country", "VN");
    ext.PutInto(a);
  }
  return a;
}

Status ToFhirPerson(const store::Record& r, const json& body, Context& ctx, std::vector<Resource>* out) {
  const std::string orgunit = body.value("orgunit", "");
  const std::optional<Place> place = ctx.PlaceOf(orgunit);
  Resource p{"Patient"};
  Object& m = p.members;
  Array identifiers;
  identifiers.Add(Object().Str("system", kRecordIdSystem).Str("value", r.id).Close());
  if (body.contains("citizen_id")) identifiers.Add(Object().Str("system", kCitizenIdSystem).Value("value", body["citizen_id"]).Close());
  m.Put("identifier", identifiers.Close())
      .Put("name", Array().Add(HumanName(body.value("full_name", ""))).Close())
      .Str("gender", body.value("sex", ""))
      .Str("birthDate", body.value("birth_date", ""))
      .Put("managingOrganization", OrgUnitRef(orgunit, place ? place->name : ""));
  if (body.contains("phone")) m.Put("telecom", Phone(body["phone"]));
  if (Object a = Address(body, place); !a.empty()) m.Put("address", Array().Add(a.Close()).Close());
  ExtensionList ext;
  WriteExtensions("person", body, ctx, ext);
  ext.PutInto(m);
  out->push_back(std::move(p));

  if (!body.contains("mother_id")) return Status::Ok();
  const std::string mother_id = body["mother_id"];
  const Coded& mth = Tables().mother;
  Resource rp{"RelatedPerson", "mother"};
  rp.members.Ref("patient", "Patient", r.id)
      .Put("relationship", Array().Add(Concept(mth.system, mth.code, mth.display)).Close())
      .Put("identifier", Array().Add(Object().Str("system", kRecordIdSystem).Str("value", mother_id).Close()).Close());
  if (std::optional<store::Record> mother = ctx.Person(mother_id)) {
    const json mb = json::parse(mother->body, nullptr, false);
    if (mb.is_object()) {
      // Her name and sex only, as the JSON API's handbook shows a mother: her
      // phone and birth date are hers to disclose through her own Patient, in scope.
      rp.members.Put("name", Array().Add(HumanName(mb.value("full_name", ""))).Close()).Str("gender", mb.value("sex", ""));
    }
  }
  out->push_back(std::move(rp));
  return Status::Ok();
}

Status ReadName(const json& p, json* body) {
  auto it = p.find("name");
  if (it == p.end()) return Status::Ok();  // full_name is required: registry::Validate names Patient.name
  if (!it->is_array() || it->size() != 1 || !(*it)[0].is_object())
    return Status::Invalid("Patient.name", "Patient.name must hold exactly one name");
  const json& n = (*it)[0];
  if (const std::string text = Str(n, "text"); !text.empty()) {
    (*body)["full_name"] = text;
    return Status::Ok();
  }
  std::string full = Str(n, "family");
  if (n.contains("given")) {
    if (!n["given"].is_array()) return Status::Invalid("Patient.name.given", "Patient.name.given must be a list of names");
    for (const json& g : n["given"]) {
      if (!g.is_string()) return Status::Invalid("Patient.name.given", "Patient.name.given must be a list of names");
      if (!full.empty()) full += ' ';
      full += g.get_ref<const std::string&>();
    }
  }
  if (!full.empty()) (*body)["full_name"] = full;
  return Status::Ok();
}

Status ReadIdentifiers(const json& p, json* body) {
  auto it = p.find("identifier");
  if (it == p.end()) return Status::Ok();
  if (!it->is_array()) return Status::Invalid("Patient.identifier", "Patient.identifier must be a list");
  for (const json& id : *it) {
    const std::string system = Str(id, "system");
    const json value = id.is_object() ? id.value("value", json()) : json();
    if (system == kRecordIdSystem) {
      if (body->contains("id") && (*body)["id"] != value)
        return Status::Invalid("Patient.identifier", "Patient.identifier: the under5 record id differs from Patient.id");
      (*body)["id"] = value;
    } else if (system == kCitizenIdSystem) {
      (*body)["citizen_id"] = value;
    } else {
      return Status::Invalid("Patient.identifier", "Patient.identifier: the system \"" + system +
                                                       "\" is not one under5 keeps (record-id, cccd; docs/fhir.md)");
    }
  }
  return Status::Ok();
}

Status ReadTelecom(const json& p, json* body) {
  auto it = p.find("telecom");
  if (it == p.end()) return Status::Ok();
  if (!it->is_array() || it->size() > 1 || (it->size() == 1 && Str((*it)[0], "system") != "phone"))
    return Status::Invalid("Patient.telecom", "Patient.telecom: under5 keeps one phone number");
  if (it->size() == 1) (*body)["phone"] = (*it)[0].value("value", json());
  return Status::Ok();
}

// Only the village is read: the commune and province follow from managingOrganization.
Status ReadAddress(const json& p, json* body) {
  auto it = p.find("address");
  if (it == p.end()) return Status::Ok();
  if (!it->is_array() || it->size() > 1 || (it->size() == 1 && !(*it)[0].is_object()))
    return Status::Invalid("Patient.address", "Patient.address: under5 keeps one address");
  if (it->empty()) return Status::Ok();
  const json& a = (*it)[0];
  if (!a.contains("line")) return Status::Ok();
  if (!a["line"].is_array() || a["line"].size() != 1)
    return Status::Invalid("Patient.address.line", "Patient.address.line: one line, the village");
  (*body)["village"] = a["line"][0];
  return Status::Ok();
}

Status ReadMother(const std::vector<json>& parts, const std::string& child_id, json* body) {
  bool seen = false;
  for (const json& rp : parts) {
    if (Str(rp, "resourceType") != "RelatedPerson")
      return Status::Invalid("resourceType", "resourceType " + Str(rp, "resourceType") + " is not a part of a Patient");
    U5_RETURN_IF_ERROR(KnownOnly(rp, {"patient", "relationship", "identifier", "name", "gender", "birthDate", "telecom"}));
    if (seen) return Status::Invalid("RelatedPerson", "RelatedPerson: a Patient has one mother");
    seen = true;
    std::string patient;
    U5_RETURN_IF_ERROR(ReadRef(rp, "patient", "Patient", "RelatedPerson.patient", true, &patient));
    if (!child_id.empty() && patient != child_id)
      return Status::Invalid("RelatedPerson.patient", "RelatedPerson.patient must be the Patient it is written with (Patient/" + child_id + ")");
    const Coded& mth = Tables().mother;
    if (!HasCoding(rp.value("relationship", json()), mth.system, mth.code))
      return Status::Invalid("RelatedPerson.relationship", "RelatedPerson.relationship must be " + mth.system + "|" + mth.code +
                                                               ": under5 records a child's mother only");
    json mother_id;
    if (rp.contains("identifier") && rp["identifier"].is_array())
      for (const json& id : rp["identifier"])
        if (Str(id, "system") == kRecordIdSystem) mother_id = id.value("value", json());
    if (mother_id.is_null())
      return Status::Invalid("RelatedPerson.identifier", "RelatedPerson.identifier: the mother's under5 record id (" +
                                                             std::string(kRecordIdSystem) + ") is required");
    (*body)["mother_id"] = mother_id;
  }
  return Status::Ok();
}

Status FromFhirPerson(const json& p, const std::vector<json>& parts, Context&, json* body) {
  U5_RETURN_IF_ERROR(KnownOnly(p, {"identifier", "name", "gender", "birthDate", "telecom", "address", "managingOrganization"}));
  if (p.contains("id")) (*body)["id"] = p["id"];
  U5_RETURN_IF_ERROR(ReadIdentifiers(p, body));
  U5_RETURN_IF_ERROR(ReadName(p, body));
  if (p.contains("gender")) (*body)["sex"] = p["gender"];
  if (p.contains("birthDate")) (*body)["birth_date"] = p["birthDate"];
  U5_RETURN_IF_ERROR(ReadTelecom(p, body));
  U5_RETURN_IF_ERROR(ReadAddress(p, body));
  std::string orgunit;
  U5_RETURN_IF_ERROR(ReadOrgUnitRef(p, "managingOrganization", "Patient.managingOrganization", false, &orgunit));
  if (!orgunit.empty()) (*body)["orgunit"] = orgunit;
  U5_RETURN_IF_ERROR(ReadExtensions("person", p, body));
  return ReadMother(parts, body->contains("id") && (*body)["id"].is_string() ? (*body)["id"].get<std::string>() : "", body);
}

}  // namespace

Mapper PersonMapper() {
  Mapper m{.registry_type = "person", .primary_type = "Patient", .part_types = {"RelatedPerson"}};
  m.claims = [](const json&) { return true; };
  m.to_fhir = ToFhirPerson;
  m.from_fhir = FromFhirPerson;
  m.elements = {{"id", "Patient.id"},
                {"full_name", "Patient.name"},
                {"sex", "Patient.gender"},
                {"birth_date", "Patient.birthDate"},
                {"citizen_id", "Patient.identifier"},
                {"phone", "Patient.telecom"},
                {"orgunit", "Patient.managingOrganization"},
                {"village", "Patient.address.line"},
                {"mother_id", "RelatedPerson.identifier"}};
  TableElements("person", "Patient", &m.elements);
  return m;
}

}  // namespace u5::fhir::mother
