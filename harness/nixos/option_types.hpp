// A small model of NixOS's option types (nixpkgs lib/types.nix) for configurations written as
// JSON: each type checks a value the way NixOS's type does and describes itself in NixOS's own
// words, so that a wrong value gets the message NixOS would print, e.g.
//   A definition for option `security.audit.enable' is not of type `one of false, true, "lock"'.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace auditvm::nixos {

// Where a value sits: the option path for messages and the JSON pointer (under the fragment's
// prefix) for the error location.
struct Place {
  std::string source;
  std::vector<std::string> option;
  nlohmann::json::json_pointer pointer;
  Place child(const std::string& name) const;              // an attribute
  Place entry(std::size_t index) const;                    // a list entry: `."[definition 1-entry N]"`
};

// NixOS's showOption: `a.b."kernel.printk_ratelimit"`.
std::string show_option(const std::vector<std::string>& path);

// lib.types' descriptionClass: decides where a composed description needs parentheses.
enum class Phrase { none, noun, conjunction, composite, clause };

class Type;
using TypeRef = std::shared_ptr<const Type>;

// One declared option: its type, its default (absent: it must be defined before it is used),
// and whether it is read-only.
struct Option {
  TypeRef type;
  std::optional<nlohmann::json> default_value;
  bool read_only = false;
};

// An attribute set of declarations, as in `options.security.audit = { ... }`: each name holds
// either an option or a nested set.
struct OptionSet {
  struct Member;
  std::vector<Member> members;
  const Member* find(const std::string& name) const;
};
struct OptionSet::Member {
  std::string name;
  std::optional<Option> option;  // set: an option; unset: `set` holds nested declarations
  OptionSet set;
};

class Type {
 public:
  Type(std::string description, Phrase phrase) : description_(std::move(description)), phrase_(phrase) {}
  virtual ~Type() = default;
  const std::string& description() const { return description_; }
  Phrase phrase() const { return phrase_; }

  // The shallow check of lib.types (`check`): is the value of this type at its top level?
  virtual bool accepts(const nlohmann::json& value) const = 0;
  // Checks what an accepted value holds (list entries, attributes, sub-options) and returns it
  // with the declared defaults filled in. Throws InputError with NixOS's message.
  virtual nlohmann::json merge(const nlohmann::json& value, const Place& place) const { (void)place; return value; }

 private:
  std::string description_;
  Phrase phrase_;
};

namespace types {

TypeRef boolean();
TypeRef integer();            // a signed 64-bit integer
TypeRef unsigned_integer();   // ints.unsigned
TypeRef string();
TypeRef non_empty_string();
TypeRef absolute_path();      // types.path
TypeRef package();            // a store path, the only form of a package JSON can hold
TypeRef matching(const std::string& pattern);  // strMatching (a full match)
TypeRef enumeration(std::vector<nlohmann::json> values);
TypeRef null_or(TypeRef element);
TypeRef either(TypeRef first, TypeRef second);
TypeRef one_of(const std::vector<TypeRef>& alternatives);
TypeRef list_of(TypeRef element);
TypeRef attrs_of(TypeRef element);
// `freeform`: the type of names the options do not declare (NixOS's freeformType = attrsOf freeform).
TypeRef submodule(OptionSet options, TypeRef freeform = nullptr);
// A type with its own name and check, like `mkOptionType { name = "sysctl option value"; ... }`,
// or an existing type renamed (`strMatching ... // { description = ...; }`).
TypeRef named(std::string description, Phrase phrase, std::function<bool(const nlohmann::json&)> check);
TypeRef renamed(TypeRef type, std::string description);

}  // namespace types

// Evaluates a definition (JSON object) against a set of declarations, as the module system
// does: unknown names are errors (with `freeform`, values of that type), every defined option
// is type-checked, and undefined options take their defaults. Returns the merged value.
nlohmann::json evaluate(const OptionSet& options, const nlohmann::json& definition, const Place& place, const TypeRef& freeform = nullptr);

// The module system's errors, named once so every check words them alike.
[[noreturn]] void fail(const Place& place, const std::string& message);
[[noreturn]] void not_of_type(const Place& place, const Type& type);

}  // namespace auditvm::nixos
