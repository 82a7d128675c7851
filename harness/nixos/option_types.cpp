#include "nixos/option_types.hpp"

#include <limits>
#include <regex>
#include <set>

#include "core/errors.hpp"

namespace auditvm::nixos {
namespace {

using nlohmann::json;
using types::attrs_of;

// lib.types' optionDescriptionPhrase: parenthesise a description unless its class fits.
std::string description_phrase(const Type& type, std::initializer_list<Phrase> fitting) {
  for (Phrase fits : fitting)
    if (type.phrase() == fits) return type.description();
  return "(" + type.description() + ")";
}

// Nix's identifier syntax decides whether showOption quotes an attribute name.
bool is_nix_identifier(const std::string& name) {
  static const std::regex identifier("[a-zA-Z_][a-zA-Z0-9_'-]*");
  static const std::set<std::string> keywords = {"assert", "else", "if", "in", "inherit", "let", "or", "rec", "then", "with"};
  return std::regex_match(name, identifier) && !keywords.contains(name);
}

std::string nix_string(const std::string& text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"' || c == '\\') out += std::string("\\") + c;
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c == '$' && i + 1 < text.size() && text[i + 1] == '{') out += "\\$";
    else out += c;
  }
  return out + "\"";
}

// How enum values appear in the description: `one of false, true, "lock"`.
std::string show_enum_value(const json& value) {
  if (value.is_string()) return "\"" + value.get<std::string>() + "\"";
  if (value.is_boolean() || value.is_number_integer()) return value.dump();
  return "<" + std::string(value.type_name()) + ">";
}

// What Nix calls the type of a value, for "value is a string while a set was expected".
std::string nix_type_phrase(const json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "a Boolean";
  if (value.is_number_integer()) return "an integer";
  if (value.is_number_float()) return "a float";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "a list";
  return "a set";
}

bool is_nix_integer(const json& value) {
  return value.is_number_integer() &&
         !(value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
}

// Checks and merges one definition of an option of `type` found at `place`.
json define(const Type& type, const json& value, const Place& place) {
  if (!type.accepts(value)) not_of_type(place, type);
  return type.merge(value, place);
}

class Checked : public Type {
 public:
  Checked(std::string description, Phrase phrase, std::function<bool(const json&)> check)
      : Type(std::move(description), phrase), check_(std::move(check)) {}
  bool accepts(const json& value) const override { return check_(value); }

 private:
  std::function<bool(const json&)> check_;
};

class Renamed : public Type {
 public:
  Renamed(TypeRef inner, std::string description) : Type(std::move(description), inner->phrase()), inner_(std::move(inner)) {}
  bool accepts(const json& value) const override { return inner_->accepts(value); }
  json merge(const json& value, const Place& place) const override { return inner_->merge(value, place); }

 private:
  TypeRef inner_;
};

class NullOr : public Type {
 public:
  explicit NullOr(TypeRef element)
      : Type("null or " + description_phrase(*element, {Phrase::noun, Phrase::conjunction}), Phrase::conjunction), element_(std::move(element)) {}
  bool accepts(const json& value) const override { return value.is_null() || element_->accepts(value); }
  json merge(const json& value, const Place& place) const override { return value.is_null() ? value : element_->merge(value, place); }

 private:
  TypeRef element_;
};

class Either : public Type {
 public:
  Either(TypeRef first, TypeRef second)
      : Type(describe(*first, *second), Phrase::conjunction), first_(std::move(first)), second_(std::move(second)) {}
  bool accepts(const json& value) const override { return first_->accepts(value) || second_->accepts(value); }
  json merge(const json& value, const Place& place) const override {
    return first_->accepts(value) ? first_->merge(value, place) : second_->merge(value, place);
  }

 private:
  static std::string describe(const Type& first, const Type& second) {
    if (first.phrase() == Phrase::clause) return first.description() + ", or " + description_phrase(second, {Phrase::noun, Phrase::conjunction});
    return description_phrase(first, {Phrase::noun, Phrase::conjunction}) + " or " +
           description_phrase(second, {Phrase::noun, Phrase::conjunction, Phrase::composite});
  }
  TypeRef first_, second_;
};

class ListOf : public Type {
 public:
  explicit ListOf(TypeRef element)
      : Type("list of " + description_phrase(*element, {Phrase::noun, Phrase::composite}), Phrase::composite), element_(std::move(element)) {}
  bool accepts(const json& value) const override { return value.is_array(); }
  json merge(const json& value, const Place& place) const override {
    json out = json::array();
    for (std::size_t i = 0; i < value.size(); ++i) out.push_back(define(*element_, value[i], place.entry(i)));
    return out;
  }

 private:
  TypeRef element_;
};

class AttrsOf : public Type {
 public:
  explicit AttrsOf(TypeRef element)
      : Type("attribute set of " + description_phrase(*element, {Phrase::noun, Phrase::composite}), Phrase::composite), element_(std::move(element)) {}
  bool accepts(const json& value) const override { return value.is_object(); }
  json merge(const json& value, const Place& place) const override {
    json out = json::object();
    for (const auto& [name, item] : value.items()) out[name] = define(*element_, item, place.child(name));
    return out;
  }

 private:
  TypeRef element_;
};

class Submodule : public Type {
 public:
  Submodule(OptionSet options, TypeRef freeform)
      : Type(freeform ? "open submodule of " + description_phrase(*attrs_of(freeform), {Phrase::noun, Phrase::composite}) : "submodule",
             Phrase::none),
        options_(std::move(options)),
        freeform_(std::move(freeform)) {}
  bool accepts(const json& value) const override { return value.is_object(); }
  json merge(const json& value, const Place& place) const override { return evaluate(options_, value, place, freeform_); }

 private:
  OptionSet options_;
  TypeRef freeform_;
};

// The value of an option nobody defined: its default, or for a nested set, its defaults.
std::optional<json> undefined(const OptionSet::Member& member, const Place& place) {
  if (!member.option) return evaluate(member.set, json::object(), place);
  if (!member.option->default_value) return std::nullopt;
  return member.option->type->merge(*member.option->default_value, place);
}

}  // namespace

Place Place::child(const std::string& name) const {
  Place out = *this;
  out.option.push_back(name);
  out.pointer /= name;
  return out;
}

Place Place::entry(std::size_t index) const {
  Place out = *this;
  out.option.push_back("[definition 1-entry " + std::to_string(index + 1) + "]");
  out.pointer /= index;
  return out;
}

std::string show_option(const std::vector<std::string>& path) {
  static const std::set<std::string> special = {"<name>", "*", "<function body>"};
  std::string out;
  for (const auto& part : path) {
    if (!out.empty()) out += ".";
    out += special.contains(part) || is_nix_identifier(part) ? part : nix_string(part);
  }
  return out;
}

const OptionSet::Member* OptionSet::find(const std::string& name) const {
  for (const auto& member : members)
    if (member.name == name) return &member;
  return nullptr;
}

void fail(const Place& place, const std::string& message) {
  std::string pointer = place.pointer.to_string();
  throw InputError({place.source, 0, pointer.empty() ? "/" : pointer}, message);
}

void not_of_type(const Place& place, const Type& type) {
  fail(place, "A definition for option `" + show_option(place.option) + "' is not of type `" + type.description() + "'.");
}

json evaluate(const OptionSet& options, const json& definition, const Place& place, const TypeRef& freeform) {
  if (!definition.is_object()) fail(place, "value is " + nix_type_phrase(definition) + " while a set was expected");
  json out = json::object();
  for (const auto& [name, value] : definition.items()) {
    Place at = place.child(name);
    const auto* member = options.find(name);
    if (!member && freeform) out[name] = define(*freeform, value, at);
    else if (!member) fail(at, "The option `" + show_option(at.option) + "' does not exist.");
    else if (!member->option) out[name] = evaluate(member->set, value, at);
    else if (member->option->read_only && member->option->default_value)
      fail(at, "The option `" + show_option(at.option) + "' is read-only, but it's set multiple times.");
    else out[name] = define(*member->option->type, value, at);
  }
  for (const auto& member : options.members)
    if (!out.contains(member.name))
      if (auto value = undefined(member, place.child(member.name))) out[member.name] = *value;
  return out;
}

namespace types {

TypeRef boolean() { return named("boolean", Phrase::noun, [](const json& v) { return v.is_boolean(); }); }
TypeRef integer() { return named("signed integer", Phrase::noun, is_nix_integer); }
TypeRef unsigned_integer() {
  return named("unsigned integer, meaning >=0", Phrase::clause, [](const json& v) { return is_nix_integer(v) && v.get<std::int64_t>() >= 0; });
}
TypeRef string() { return named("string", Phrase::noun, [](const json& v) { return v.is_string(); }); }
TypeRef non_empty_string() {
  return named("non-empty string", Phrase::noun,
               [](const json& v) { return v.is_string() && v.get<std::string>().find_first_not_of(" \t\n") != std::string::npos; });
}
TypeRef absolute_path() {
  return named("absolute path", Phrase::noun, [](const json& v) { return v.is_string() && v.get<std::string>().starts_with("/"); });
}
TypeRef package() {
  // A top-level store path: /nix/store/<hash>-<name>, nothing below it.
  static const std::regex store_path("/nix/store/[0-9a-z]{32}-[^/]+");
  return named("package", Phrase::noun, [](const json& v) { return v.is_string() && std::regex_match(v.get<std::string>(), store_path); });
}
TypeRef matching(const std::string& pattern) {
  auto compiled = std::make_shared<std::regex>(pattern, std::regex::extended);
  return named("string matching the pattern " + pattern, Phrase::noun,
               [compiled](const json& v) { return v.is_string() && std::regex_match(v.get<std::string>(), *compiled); });
}
TypeRef enumeration(std::vector<json> values) {
  std::string description;
  if (values.size() == 1) description = "value " + show_enum_value(values[0]) + " (singular enum)";
  else
    for (const auto& value : values) description += (description.empty() ? "one of " : ", ") + show_enum_value(value);
  Phrase phrase = values.size() < 2 ? Phrase::noun : Phrase::conjunction;
  return named(description, phrase, [values](const json& v) {
    for (const auto& allowed : values)
      if (v == allowed) return true;
    return false;
  });
}
TypeRef null_or(TypeRef element) { return std::make_shared<NullOr>(std::move(element)); }
TypeRef either(TypeRef first, TypeRef second) { return std::make_shared<Either>(std::move(first), std::move(second)); }
TypeRef one_of(const std::vector<TypeRef>& alternatives) {
  TypeRef out = alternatives.at(0);
  for (std::size_t i = 1; i < alternatives.size(); ++i) out = either(out, alternatives[i]);
  return out;
}
TypeRef list_of(TypeRef element) { return std::make_shared<ListOf>(std::move(element)); }
TypeRef attrs_of(TypeRef element) { return std::make_shared<AttrsOf>(std::move(element)); }
TypeRef submodule(OptionSet options, TypeRef freeform) { return std::make_shared<Submodule>(std::move(options), std::move(freeform)); }
TypeRef named(std::string description, Phrase phrase, std::function<bool(const json&)> check) {
  return std::make_shared<Checked>(std::move(description), phrase, std::move(check));
}
TypeRef renamed(TypeRef type, std::string description) { return std::make_shared<Renamed>(std::move(type), std::move(description)); }

}  // namespace types
}  // namespace auditvm::nixos
