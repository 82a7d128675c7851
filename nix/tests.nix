# The scenarios as standard NixOS tests: nix-build nix/tests.nix -A stig-fix
# Each configuration of scenarios/V-268096.json becomes a test that loads it, runs the module
# helper as auid 1000 and checks the verdict-relevant fact: is there a module_chng record?
{ nixpkgs ? <nixpkgs>, system ? builtins.currentSystem, scenario ? ../scenarios/V-268096.json }:
let
  pkgs = import nixpkgs { inherit system; };
  data = builtins.fromJSON (builtins.readFile scenario);
  expectRecord = c: (c.expect."V-268096" or "Open") == "NotAFinding";
  testFor = c: pkgs.testers.runNixOSTest {
    name = "auditvm-${c.name}";
    nodes.machine = { imports = [ ./module.nix c.nixos ]; };
    testScript = { nodes, ... }: ''
      machine.wait_for_unit("multi-user.target")
      machine.succeed("${nodes.machine.auditvm.helpers.b64} --auid 1000 --finit ${nodes.machine.auditvm.testModule}")
      machine.succeed("${nodes.machine.auditvm.helpers.b64} --auid 1000 --delete nls_ascii")
      recorded = machine.execute("ausearch -m SYSCALL -sc finit_module -ua 1000")[0] == 0
      assert recorded == ${if expectRecord c then "True" else "False"}, "module record: expected ${if expectRecord c then "one" else "none"}"
    '';
  };
in
builtins.listToAttrs (map (c: { name = c.name; value = testFor c; }) data.configurations)
