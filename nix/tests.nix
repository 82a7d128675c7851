# The scenarios as standard NixOS tests, run by NixOS's own test driver:
#   nix-build nix/tests.nix -A stig-fix            (or: nix flake check)
# Each configuration of the scenario file becomes a test: a NixOS VM with module.nix and the
# fragment makes the scenario's calls with the module helper (the command lines auditvm runs, from
# scenario.nix), checks each call's result, finds each call's SYSCALL record (auditd's log, or the
# kernel log without auditd) and checks the verdict the records support: NotAFinding exactly when
# every call the STIG rule requires (scenarios/stig/*.json, judged as harness/scenario/evidence.cpp
# does) left a record. auditvm's rule model is not part of this test; `auditvm run` checks it.
{ nixpkgs ? import ./nixpkgs.nix, system ? builtins.currentSystem, scenarioFile ? ../scenarios/V-268096.json }:
let
  pkgs = import nixpkgs { inherit system; };
  scenario = builtins.fromJSON (builtins.readFile scenarioFile);
  stigFile = ../scenarios/stig + "/${scenario.stig}.json";
  arch = if pkgs.stdenv.hostPlatform.isx86_64 then "x86_64" else "aarch64";
  expected = c: ((c.expect_by_arch or { }).${arch} or { }).${scenario.stig} or c.expect.${scenario.stig};

  testFor = c: pkgs.testers.runNixOSTest {
    name = "auditvm-${c.name}";
    nodes.machine = { imports = [ ./module.nix c.nixos ]; };
    testScript = { nodes, ... }:
      let
        guest = nodes.machine.auditvm;
        actions = import ./scenario.nix {
          inherit scenario;
          inherit (guest) helpers moduleName;
          modulePath = guest.testModule;
        };
        auditd = if nodes.machine.security.auditd.enable then "True" else "False";
      in ''
        import json

        actions = json.load(open("${pkgs.writeText "actions.json" (builtins.toJSON actions)}"))
        required_sets = json.load(open("${stigFile}"))["required"]
        auditd = ${auditd}

        def required(action, call):
            # As auditvm judges it (harness/scenario/evidence.cpp): ABI, call, outcome, auid.
            for req in required_sets:
                if action["abi"] not in req["abis"] or action["call"] not in req["syscalls"]:
                    continue
                success = call["ret"] >= 0
                outcome = req.get("outcome", "any")
                if (outcome == "success" and not success) or (outcome == "failure" and success):
                    continue
                if not success and req.get("failure_errnos") and call["error"] not in req["failure_errnos"]:
                    continue
                if any(low <= call["auid"] <= high for low, high in req["auid"]):
                    return True
            return False

        machine.wait_for_unit("multi-user.target")
        if auditd:
            machine.wait_until_succeeds("auditctl -s | grep -Eq '^pid [1-9]'")

        calls = []
        for action in actions:
            call = json.loads(machine.succeed(action["command"]).strip().splitlines()[-1])
            result = call.get("error") or "success"
            assert result == action["expect"], f"{action['command']}: {result}, expected {action['expect']}"
            calls.append(call)

        if auditd:
            machine.succeed("auditctl -m auditvm-sync")
            machine.wait_until_succeeds("grep -q auditvm-sync /var/log/audit/audit.log")
            machine.succeed("cp /var/log/audit/audit.log /tmp/audit.log")
        else:
            # Kernel messages, rewritten into auditd's format for ausearch.
            machine.succeed("dmesg | sed -n 's/.*audit: type=1300 audit(\\([^)]*\\)): /type=SYSCALL msg=audit(\\1): /p' > /tmp/audit.log")

        def recorded(action, call):
            status, out = machine.execute(f"ausearch -i -if /tmp/audit.log -m SYSCALL -p {call['pid']}")
            return status == 0 and f"syscall={action['call']} " in out

        unrecorded = []
        for action, call in zip(actions, calls):
            found = recorded(action, call)
            if action["record"] is not None:
                assert found == action["record"], f"{action['command']}: record {found}, pinned {action['record']}"
            if required(action, call) and not found:
                unrecorded.append(action["command"])

        verdict = "Open" if unrecorded else "NotAFinding"
        assert verdict == "${expected c}", f"the records support {verdict}, the scenario expects ${expected c}; unrecorded: {unrecorded}"
      '';
  };
in
builtins.listToAttrs (map (c: { name = c.name; value = testFor c; }) scenario.configurations)
