# A scenario file's actions, expanded in auditvm's order (action group, actor, ABI, step; see
# harness/scenario/loader.cpp), each with the module helper command line auditvm runs for it
# (harness/scenario/guest_commands.cpp). Builtins only: it evaluates, and is tested, without nixpkgs.
{ scenario, helpers, modulePath, moduleName ? "nls_ascii" }:
let
  actorNamed = name: builtins.head (builtins.filter (a: a.name == name) scenario.actors);
  auid = actor: if actor.auid == "unset" then "unset" else toString actor.auid;
  target = {
    init_module = "--init ${modulePath}";
    finit_module = "--finit ${modulePath}";
    delete_module = "--delete ${moduleName}";
  };
  action = name: abi: step:
    let actor = actorNamed name;
    in {
      actor = name;
      inherit abi;
      inherit (step) call expect;
      record = step.record or null;  # an explicit expectation: a record must (true) or must not (false) exist
      command = "${helpers.${abi}} --auid ${auid actor} --uid ${toString actor.uid} --gid ${toString actor.gid} ${target.${step.call}}";
    };
  expand = group: builtins.concatMap (name: builtins.concatMap (abi: map (action name abi) group.steps) group.abis) group.actors;
in
builtins.concatMap expand scenario.actions
