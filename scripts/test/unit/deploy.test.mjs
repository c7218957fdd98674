// The container recipes of monitor/deploy/ (Containerfile and
// kubernetes/sidecar.yaml) against what the monitor accepts — config.rs's
// fields, key.rs's rules for the key file, the path system.rs reads cgroups
// from — and against each other. No container engine or API server here:
// kubectl reads the manifest offline instead (`apply --dry-run=client` needs a
// server), `label --local` parsing its YAML as `kubectl apply` would and
// `set env --local` decoding the Deployment into Kubernetes' own types, which
// drop any field they do not know. Every check is shown to fail on a copy of
// the recipes broken in memory for it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';

import { repoRoot } from '../../lib/node.mjs';

// The `toml` that package.json's override pins (zombienet's TOML reader).
const toml = createRequire(import.meta.url)('toml');

const deployDir = path.join(repoRoot, 'monitor', 'deploy');
const containerfileText = fs.readFileSync(path.join(deployDir, 'Containerfile'), 'utf8');
const manifestText = fs.readFileSync(path.join(deployDir, 'kubernetes', 'sidecar.yaml'), 'utf8');
const configRs = fs.readFileSync(path.join(repoRoot, 'monitor', 'src', 'config.rs'), 'utf8');
const cargoToml = fs.readFileSync(path.join(repoRoot, 'Cargo.toml'), 'utf8');

// Where system.rs's SystemSource::new reads cgroup v2.
const CGROUP_ROOT = '/sys/fs/cgroup';
const TEST_LABEL = 'qos-ledger.test/parsed';

const kubectlFound = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 30_000 }).status === 0;
const needsKubectl = kubectlFound ? {} : { skip: 'no kubectl on this machine to read monitor/deploy/kubernetes/sidecar.yaml' };

function kubectl(args, input) {
  const r = spawnSync('kubectl', args, { input, encoding: 'utf8', timeout: 60_000, env: { ...process.env, KUBECONFIG: '/dev/null' } });
  assert.ifError(r.error);
  return r;
}

/** Every document of a manifest as kubectl parses it (YAML 1.1, as `kubectl apply` sends it). */
function parseManifest(text) {
  const r = kubectl(['label', '--local', '-f', '-', `${TEST_LABEL}=1`, '-o', 'json'], text);
  assert.equal(r.status, 0, `kubectl cannot read the manifest: ${r.stderr}`);
  // One pretty-printed JSON object per document, one after another.
  const docs = JSON.parse(`[${r.stdout.replace(/^\}\n\{/gm, '},{')}]`);
  for (const doc of docs) {
    delete doc.metadata.labels[TEST_LABEL];
    if (Object.keys(doc.metadata.labels).length === 0) delete doc.metadata.labels;
  }
  return docs;
}

/** Paths of `input` that `typed` lacks: fields the typed decoding did not know. */
function droppedPaths(input, typed, at = '') {
  if (input === null || typeof input !== 'object') return [];
  if (typed === null || typeof typed !== 'object') return [at];
  return Object.entries(input).flatMap(([k, v]) => {
    const p = Array.isArray(input) ? `${at}[${k}]` : `${at}.${k}`;
    return k in typed ? droppedPaths(v, typed[k], p) : [p];
  });
}

/** Decodes the workloads into Kubernetes' types: a wrong type, an unknown kind or field fails. */
function checkTypes(text) {
  const r = kubectl(['set', 'env', '--local', '-f', '-', 'QOS_LEDGER_TEST=1', '-o', 'json'], text);
  // `set env` refuses objects without a pod template, after decoding them: that refusal is expected.
  const notWorkloads = /error: \S+\s+the object is not a pod or does not have a pod template: \*[\w.]+\s*/g;
  const errors = r.stderr.replace(notWorkloads, '').trim();
  assert.equal(errors, '', `kubectl cannot decode the manifest: ${errors}`);
  const out = JSON.parse(r.stdout);
  const typed = out.kind === 'List' ? out.items : [out];
  const workloads = parseManifest(text).filter((d) => d.spec?.template);
  assert.equal(typed.length, workloads.length, 'every workload was decoded');
  workloads.forEach((doc, i) => {
    const dropped = droppedPaths(doc, typed[i]);
    assert.deepEqual(dropped, [], `fields of ${doc.kind}/${doc.metadata.name} that Kubernetes does not know: ${dropped.join(', ')}`);
  });
}

// ---- the Containerfile

/** The Containerfile's stages: base image, name and instructions (comments dropped, continuations joined). */
function parseContainerfile(text) {
  const logical = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const stages = [];
  for (const line of logical.split('\n')) {
    const m = /^\s*([A-Za-z]+)\s+(.*?)\s*$/.exec(line);
    if (!m) continue;
    const [op, args] = [m[1].toUpperCase(), m[2]];
    if (op === 'FROM') {
      const [image, as, name] = args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      stages.push({ image, name: /^as$/i.test(as ?? '') ? name : undefined, instructions: [] });
    } else {
      assert.ok(stages.length, `${op} before the first FROM`);
      stages.at(-1).instructions.push({ op, args });
    }
  }
  return stages;
}

const execForm = (args) => (args.startsWith('[') ? JSON.parse(args) : null);

/** COPY's flags, sources and destination. */
function parseCopy(args) {
  const words = execForm(args) ?? args.split(/\s+/);
  const flags = Object.fromEntries(words.filter((w) => w.startsWith('--')).map((w) => w.slice(2).split('=')));
  const paths = words.filter((w) => !w.startsWith('--'));
  return { flags, sources: paths.slice(0, -1), dest: paths.at(-1) };
}

/** Checks the Containerfile; returns the image's ENTRYPOINT and CMD. */
function checkContainerfile(text) {
  const stages = parseContainerfile(text);
  assert.ok(stages.length >= 2, 'the Containerfile is multi-stage: a build stage and a runtime stage');
  const runs = stages.flatMap((s) => s.instructions.filter((i) => i.op === 'RUN').map((i) => ({ stage: s, args: i.args })));
  const build = runs.find((r) => /\bcargo build\b/.test(r.args));
  assert.ok(build, 'a stage runs cargo build');
  const cargo = build.args.slice(build.args.indexOf('cargo build')).split('&&')[0];
  for (const flag of ['--locked', '--release']) assert.match(cargo, new RegExp(`(^|\\s)${flag}(\\s|$)`), `cargo build ${flag}`);
  assert.match(cargo, /(^|\s)-p qos-monitor(\s|$)/, 'cargo build -p qos-monitor: the monitor alone');
  const caches = [...build.args.matchAll(/--mount=type=cache,target=([^,\s]+)/g)].map((m) => m[1]);
  assert.ok(
    caches.some((t) => t.endsWith('/registry')),
    'the cargo registry is a cache mount',
  );
  assert.ok(
    caches.some((t) => t.endsWith('/target')),
    'the target directory is a cache mount',
  );
  assert.ok(build.stage.name, 'the build stage is named, for COPY --from');

  const final = stages.at(-1);
  assert.notEqual(final, build.stage, 'the binary runs in a stage of its own, without the toolchain');
  const last = (op) => final.instructions.filter((i) => i.op === op).at(-1);
  const user = last('USER')?.args ?? '';
  const ids = /^(\d+)(?::(\d+))?$/.exec(user);
  assert.ok(ids, `the runtime stage's USER is numeric (so runAsNonRoot can check it), not ${JSON.stringify(user)}`);
  assert.ok(Number(ids[1]) !== 0 && Number(ids[2] ?? 1) !== 0, `the runtime stage's USER ${user} is not root`);
  const entrypoint = execForm(last('ENTRYPOINT')?.args ?? '');
  const cmd = execForm(last('CMD')?.args ?? '');
  assert.ok(entrypoint?.length === 1 && entrypoint[0].startsWith('/'), 'ENTRYPOINT is the binary, in exec form');
  assert.ok(cmd?.[cmd.indexOf('--config') + 1]?.startsWith('/'), 'CMD names the configuration file, in exec form');
  const binary = final.instructions.filter((i) => i.op === 'COPY').map((i) => parseCopy(i.args));
  assert.ok(
    binary.some((c) => c.flags.from === build.stage.name && c.dest === entrypoint[0]),
    `the runtime stage copies the built binary to the ENTRYPOINT ${entrypoint[0]}`,
  );
  const exposed = (last('EXPOSE')?.args ?? '').split(/\s+/);
  assert.ok(exposed.includes('9616'), 'the report port 9616 is exposed');
  assert.ok(!exposed.includes('9617'), 'the operations port 9617 is not exposed');

  // What the build copies from the context must exist, and must be all that
  // cargo needs to load the workspace: its members and path dependencies.
  const copied = stages.flatMap((s) =>
    s.instructions
      .filter((i) => i.op === 'COPY')
      .map((i) => parseCopy(i.args))
      .filter((c) => !c.flags.from)
      .flatMap((c) => c.sources),
  );
  for (const source of copied) assert.ok(fs.existsSync(path.join(repoRoot, source)), `COPY ${source}: no such path in the repository`);
  const members = [...(/members\s*=\s*\[([^\]]*)\]/.exec(cargoToml)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  const pathDependencies = [...cargoToml.matchAll(/path\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
  assert.ok(members.length > 0, 'Cargo.toml lists the workspace members');
  for (const needed of ['Cargo.toml', 'Cargo.lock', ...members, ...pathDependencies]) {
    const covered = copied.some((c) => needed === c || needed.startsWith(`${c.replace(/\/$/, '')}/`));
    assert.ok(covered, `the build stage copies ${needed}, which cargo needs to load the workspace`);
  }
  return { entrypoint, cmd };
}

// ---- the manifest

/** The fields config.rs's FileConfig (and its tables) accept. */
function configFields() {
  const fields = (name) => {
    const body = new RegExp(`pub struct ${name} \\{([^}]*)\\}`).exec(configRs)?.[1];
    assert.ok(body, `monitor/src/config.rs has a struct ${name}`);
    return [...body.matchAll(/pub (\w+):/g)].map((m) => m[1]);
  };
  return { top: fields('FileConfig'), probe: fields('FileProbe'), network: fields('FileNetwork') };
}

const under = (file, dir) => file === dir || file.startsWith(`${dir.replace(/\/$/, '')}/`);
/** The mount of `container` that holds `file` (the deepest one). */
const mountOf = (container, file) =>
  (container.volumeMounts ?? []).filter((m) => under(file, m.mountPath)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
const portOf = (address) => Number(/:(\d+)$/.exec(address)?.[1]);
const hostOf = (address) => address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
const isLoopback = (host) => host === 'localhost' || host === '::1' || host.startsWith('127.');

/** The script an init container runs (`sh -c SCRIPT`). */
const scriptOf = (container) => [...(container.command ?? []), ...(container.args ?? [])].join('\n');

function checkManifest(docs, image) {
  const all = (kind) => docs.filter((d) => d.kind === kind);
  const [deployment, ...more] = all('Deployment');
  assert.ok(deployment && more.length === 0, 'the manifest has one Deployment');
  const pod = deployment.spec.template.spec;
  const podLabels = deployment.spec.template.metadata.labels ?? {};
  const containers = [...(pod.initContainers ?? []), ...pod.containers];

  assert.equal(pod.automountServiceAccountToken, false, 'the pod gets no API token: nothing in it talks to the API server');
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace']) {
    assert.notEqual(pod[field], true, `the pod does not set ${field}`);
  }

  // Hardening: every container, init containers included.
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const effective = (field) => sc[field] ?? pod.securityContext?.[field];
    assert.equal(effective('runAsNonRoot'), true, `${c.name}: runAsNonRoot`);
    assert.ok(Number.isInteger(effective('runAsUser')) && effective('runAsUser') > 0, `${c.name}: runs as a numeric non-root user`);
    assert.equal(sc.allowPrivilegeEscalation, false, `${c.name}: allowPrivilegeEscalation false`);
    assert.equal(sc.readOnlyRootFilesystem, true, `${c.name}: readOnlyRootFilesystem`);
    assert.notEqual(sc.privileged, true, `${c.name}: not privileged`);
    assert.ok(sc.capabilities?.drop?.includes('ALL'), `${c.name}: drops ALL capabilities`);
    assert.deepEqual(sc.capabilities?.add ?? [], [], `${c.name}: adds no capability`);
    assert.equal(effective('seccompProfile')?.type, 'RuntimeDefault', `${c.name}: seccompProfile RuntimeDefault`);
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) assert.ok(c.resources?.[kind]?.[resource], `${c.name}: ${kind}.${resource} set`);
    }
  }

  // Volumes: every mount names a declared volume, every volume is mounted.
  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
  for (const c of containers) {
    for (const m of c.volumeMounts ?? []) assert.ok(volumes.has(m.name), `${c.name} mounts ${m.name}, which is not a volume of the pod`);
  }
  for (const name of volumes.keys()) {
    assert.ok(
      containers.some((c) => (c.volumeMounts ?? []).some((m) => m.name === name)),
      `volume ${name} is mounted by some container`,
    );
  }
  const volumeOf = (mount) => volumes.get(mount?.name);

  // The monitor: the image's entrypoint and configuration file.
  const monitor = pod.containers.find((c) => /qos-monitor/.test(c.image));
  assert.ok(monitor, 'a container runs the qos-monitor image');
  if (monitor.command) assert.deepEqual(monitor.command, image.entrypoint, "the monitor's command is the image's ENTRYPOINT");
  const args = monitor.args ?? image.cmd;
  const configPath = args[args.indexOf('--config') + 1];
  assert.ok(args.includes('--config') && configPath, 'the monitor is given --config FILE');
  assert.ok(mountOf(monitor, configPath), `the monitor's configuration ${configPath} is on a mounted volume`);

  // The configuration, as config.rs reads it.
  const configMaps = all('ConfigMap').filter((d) => d.data?.['monitor.toml']);
  assert.equal(configMaps.length, 1, 'one ConfigMap holds monitor.toml');
  const config = toml.parse(configMaps[0].data['monitor.toml']);
  for (const field of ['listen', 'agreement', 'instance', 'key_file', 'authorized_keys', 'data_dir']) {
    assert.ok(field in config, `monitor.toml sets ${field}`);
  }
  assert.ok(config.probe?.target, 'monitor.toml sets [probe] target');
  const known = configFields();
  for (const [table, fields] of [
    ['', known.top],
    ['probe', known.probe],
    ['network', known.network],
  ]) {
    const section = table ? (config[table] ?? {}) : config;
    for (const field of Object.keys(section)) {
      assert.ok(fields.includes(field), `monitor.toml: ${table ? `[${table}] ` : ''}${field} is not a field of config.rs (deny_unknown_fields)`);
    }
  }

  // Files the monitor reads: copied by an init container that runs as the
  // monitor's user into a volume the monitor mounts read-only. key.rs takes
  // only a regular file (not one of a Secret volume's ..data links) owned by
  // the monitor's user or root, with no group or other bit (and a Secret's
  // files get group read under fsGroup).
  const uidOf = (c) => c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
  const prepared = (file, what) => {
    const mount = mountOf(monitor, file);
    assert.ok(mount, `${what} ${file} is on a volume the monitor mounts`);
    assert.equal(mount.readOnly, true, `${what} ${file}: the monitor mounts it read-only`);
    assert.ok(volumeOf(mount)?.emptyDir, `${what} ${file} is on an emptyDir, not a Secret, ConfigMap or projected volume (symbolic links)`);
    const writer = (pod.initContainers ?? []).find((c) => (c.volumeMounts ?? []).some((m) => m.name === mount.name && !m.readOnly));
    assert.ok(writer, `an init container writes ${what} ${file}`);
    assert.equal(uidOf(writer), uidOf(monitor), `${what} ${file} is written as the monitor's user, who then owns it`);
    const inWriter = path.posix.join(writer.volumeMounts.find((m) => m.name === mount.name).mountPath, path.posix.relative(mount.mountPath, file));
    return { writer, name: path.posix.basename(inWriter), script: scriptOf(writer) };
  };
  const key = prepared(config.key_file, 'key_file');
  assert.match(key.script, new RegExp(`chmod 0?[46]00 \\S*${key.name.replace('.', '\\.')}\\b`), `${key.writer.name} makes the key file 0400 or 0600`);
  // The authorized keys: public, reread on SIGHUP, so mounted as the kubelet
  // keeps it current (no subPath), and writable by no one but its owner
  // (auth.rs refuses it otherwise). fsGroup adds group read, nothing more.
  const keysMount = mountOf(monitor, config.authorized_keys);
  assert.ok(keysMount?.readOnly, `authorized_keys ${config.authorized_keys} is on a volume the monitor mounts read-only`);
  assert.ok(!keysMount.subPath, 'authorized_keys is not a subPath mount, which the kubelet never updates');
  const keysSource = volumeOf(keysMount).configMap ?? volumeOf(keysMount).secret;
  assert.ok(keysSource, 'authorized_keys comes from a ConfigMap or Secret volume');
  const keysFile = path.posix.relative(keysMount.mountPath, config.authorized_keys);
  assert.ok(!keysSource.items || keysSource.items.some((i) => i.path === keysFile), `the volume ${keysMount.name} holds ${keysFile}`);
  const keysMode = (keysSource.defaultMode ?? 0o644) | (pod.securityContext?.fsGroup === undefined ? 0 : 0o440);
  assert.equal(keysMode & 0o022, 0, 'authorized_keys is writable by no group and no others');
  const fromConfigMap = prepared(configPath, 'the configuration');
  assert.match(fromConfigMap.script, new RegExp(`\\b${fromConfigMap.name.replace('.', '\\.')}\\b`), `${fromConfigMap.writer.name} writes ${configPath}`);
  // The key reaches the init container only: no long-running container mounts the Secret.
  const secretVolumes = [...volumes.values()].filter((v) => v.secret || v.projected?.sources?.some((s) => s.secret));
  for (const c of pod.containers) {
    for (const m of c.volumeMounts ?? []) assert.ok(!secretVolumes.includes(volumes.get(m.name)), `${c.name} does not mount the Secret ${m.name}`);
  }
  // The init container (not root) can read the Secret's root-owned files:
  // under fsGroup the kubelet adds group read (0440) to any defaultMode.
  for (const v of secretVolumes) {
    const mode = v.secret?.defaultMode ?? v.projected?.defaultMode ?? 0o644;
    assert.ok(pod.securityContext?.fsGroup !== undefined || mode & 0o004, `the Secret volume ${v.name} is readable by a non-root init container (fsGroup)`);
  }

  // Samples: on a persistent volume the monitor may write.
  const dataMount = mountOf(monitor, config.data_dir);
  assert.ok(dataMount && !dataMount.readOnly, `data_dir ${config.data_dir} is on a volume the monitor mounts writable`);
  assert.notEqual(
    config.data_dir.replace(/\/$/, ''),
    dataMount.mountPath.replace(/\/$/, ''),
    'data_dir is below the mount, so the monitor creates it with mode 0700',
  );
  const claim = volumeOf(dataMount)?.persistentVolumeClaim?.claimName;
  assert.ok(claim, 'data_dir is on a PersistentVolumeClaim: an emptyDir loses the samples with the pod');
  assert.ok(
    all('PersistentVolumeClaim').some((d) => d.metadata.name === claim),
    `the manifest declares the claim ${claim}`,
  );

  // The node's cgroup tree, if mounted: read-only, where system.rs reads it,
  // and the pod's own cgroup named as measure_cgroup by an init container.
  const hostPaths = [...volumes.values()].filter((v) => v.hostPath);
  for (const v of hostPaths) {
    assert.equal(v.hostPath.path, CGROUP_ROOT, `hostPath ${v.name} is only the cgroup tree`);
    for (const c of containers) {
      for (const m of c.volumeMounts ?? []) if (m.name === v.name) assert.equal(m.readOnly, true, `${c.name} mounts ${v.name} read-only`);
    }
    assert.ok(
      (monitor.volumeMounts ?? []).some((m) => m.name === v.name && m.mountPath === CGROUP_ROOT),
      `the monitor mounts ${v.name} at ${CGROUP_ROOT}`,
    );
    assert.ok(!('measure_cgroup' in config), 'monitor.toml leaves measure_cgroup to the init container (a key given twice is refused)');
    assert.ok(
      (pod.initContainers ?? []).some((c) => /measure_cgroup/.test(scriptOf(c)) && /metadata\.uid/.test(JSON.stringify(c.env ?? []))),
      "an init container writes measure_cgroup from the pod's UID",
    );
  }

  // Ports: the reports to the Service, the operations listener kept in the pod.
  const listenPort = portOf(config.listen);
  const reports = (monitor.ports ?? []).find((p) => p.containerPort === listenPort);
  assert.ok(reports, `the monitor declares its listen port ${listenPort}`);
  if (config.operations_listen) {
    assert.ok(isLoopback(hostOf(config.operations_listen)), 'operations_listen stays on loopback: kubelet probes could not reach it anyway');
  }
  const services = all('Service').filter((s) => Object.entries(s.spec.selector ?? {}).every(([k, v]) => podLabels[k] === v));
  const servicePort = services.flatMap((s) => s.spec.ports.map((p) => ({ s, p }))).find(({ p }) => [reports.name, listenPort].includes(p.targetPort));
  assert.ok(servicePort, 'a Service selecting the pod targets the report port');
  assert.equal(servicePort.s.spec.publishNotReadyAddresses, true, 'the Service lists the pod while not ready: stored reports stay reachable');
  const policies = all('NetworkPolicy').filter((n) => Object.entries(n.spec.podSelector?.matchLabels ?? {}).every(([k, v]) => podLabels[k] === v));
  assert.ok(policies.length > 0, 'a NetworkPolicy selects the pod');
  assert.ok(
    policies.some((n) => (n.spec.ingress ?? []).some((rule) => !rule.ports || rule.ports.some((p) => [reports.name, listenPort].includes(p.port)))),
    'the NetworkPolicy lets the accounting nodes reach the report port',
  );

  // The probe: the application, on the pod's loopback.
  const target = /^(?:http|tcp):\/\/([^/]+)/.exec(config.probe.target)?.[1] ?? config.probe.target;
  assert.ok(isLoopback(hostOf(target)), `the probe target ${config.probe.target} is on the pod's loopback`);
  assert.ok(
    pod.containers.some((c) => c !== monitor && (c.ports ?? []).some((p) => p.containerPort === portOf(target))),
    `the probe's port ${portOf(target)} is a port of the application container`,
  );
}

// ---- the tests

test('the Containerfile builds the monitor alone, locked, and runs it as a numeric non-root user', () => {
  const image = checkContainerfile(containerfileText);
  assert.deepEqual(image.entrypoint, ['/usr/local/bin/qos-monitor']);
  assert.deepEqual(image.cmd, ['--config', '/etc/qos-monitor/monitor.toml']);
});

test('each Containerfile check fails on a Containerfile broken for it', () => {
  for (const [from, to, message, prefix = ''] of [
    [/^FROM gcr\.io.*$/m, '', /multi-stage/],
    [/^FROM gcr\.io.*$/m, '', /runs in a stage of its own/, 'FROM scratch AS first\n'],
    [/^USER .*$/m, 'USER nonroot', /USER is numeric/],
    [/^USER .*$/m, 'USER 0:0', /is not root/],
    ['cargo build --locked', 'cargo install --locked', /a stage runs cargo build/],
    [' AS build', '', /build stage is named/],
    ['--locked ', '', /cargo build --locked/],
    ['-p qos-monitor', '--workspace', /-p qos-monitor/],
    ['target=/src/target,', 'target=/tmp/t,', /target directory is a cache mount/],
    ['target=/usr/local/cargo/registry,', 'target=/tmp/r,', /registry is a cache mount/],
    ['ENTRYPOINT ["/usr/local/bin/qos-monitor"]', 'ENTRYPOINT /usr/local/bin/qos-monitor', /exec form/],
    ['/out/usr/local/bin/qos-monitor /usr/local/bin/qos-monitor', '/out/usr/local/bin/qos-monitor /bin/qos-monitor', /copies the built binary/],
    ['CMD ["--config", "/etc/qos-monitor/monitor.toml"]', 'CMD ["--help"]', /CMD names the configuration file/],
    ['EXPOSE 9616', 'EXPOSE 9616 9617', /9617 is not exposed/],
    ['COPY node node', 'COPY node node\nCOPY nodes nodes', /COPY nodes: no such path/],
    ['COPY runtime runtime', '', /copies runtime, which cargo needs/],
    ['COPY build-support build-support', '', /copies build-support\/wasm-opt/],
  ]) {
    const broken = prefix + containerfileText.replace(from, to);
    assert.notEqual(broken, containerfileText, `the mutation ${from} applies`);
    assert.throws(() => checkContainerfile(broken), message, String(from));
  }
});

test('kubectl decodes every document of sidecar.yaml into known types, dropping no field', needsKubectl, () => {
  const docs = parseManifest(manifestText);
  assert.deepEqual(docs.map((d) => d.kind).sort(), ['ConfigMap', 'Deployment', 'NetworkPolicy', 'PersistentVolumeClaim', 'Service']);
  checkTypes(manifestText);
  // YAML 1.1 as Kubernetes reads it: 0440 is octal.
  const inputs = docs.find((d) => d.kind === 'Deployment').spec.template.spec.volumes.find((v) => v.name === 'inputs');
  assert.equal(inputs.projected.defaultMode, 0o440);
});

test('kubectl refuses a misspelt field, a wrong type and an unknown kind', needsKubectl, () => {
  for (const [from, to, message] of [
    ['readOnlyRootFilesystem: true', 'readOnlyRootFileSystem: true', /Kubernetes does not know: .*readOnlyRootFileSystem/],
    ['containerPort: 9616', 'containerPort: reports', /cannot decode.*containerPort/],
    ['kind: NetworkPolicy', 'kind: NetworkPolice', /cannot decode.*NetworkPolice/],
  ]) {
    const broken = manifestText.replace(from, to);
    assert.notEqual(broken, manifestText, `the mutation ${from} applies`);
    assert.throws(() => checkTypes(broken), message, from);
  }
  assert.throws(() => parseManifest(`${manifestText}\n  - : [\n`), /kubectl cannot read the manifest/);
});

test("sidecar.yaml is hardened and agrees with the image, config.rs and key.rs's rules", needsKubectl, () => {
  checkManifest(parseManifest(manifestText), checkContainerfile(containerfileText));
});

test('each manifest check fails on a copy broken for it', needsKubectl, () => {
  const docs = parseManifest(manifestText);
  const image = checkContainerfile(containerfileText);
  const podOf = (d) => d.find((x) => x.kind === 'Deployment').spec.template.spec;
  const named = (d, name) => [...(podOf(d).initContainers ?? []), ...podOf(d).containers].find((c) => c.name === name);
  const mount = (d, container, volume) => named(d, container).volumeMounts.find((m) => m.name === volume);
  const configMap = (d) => d.find((x) => x.kind === 'ConfigMap' && x.data['monitor.toml']);
  const editToml = (from, to) => (d) => {
    const cm = configMap(d);
    const edited = cm.data['monitor.toml'].replace(from, to);
    assert.notEqual(edited, cm.data['monitor.toml'], `the mutation ${from} applies`);
    cm.data['monitor.toml'] = edited;
  };
  for (const [what, mutate, message] of [
    ['two Deployments', (d) => d.push(structuredClone(d.find((x) => x.kind === 'Deployment'))), /one Deployment/],
    ['a token', (d) => delete podOf(d).automountServiceAccountToken, /no API token/],
    ['a shared PID namespace', (d) => (podOf(d).shareProcessNamespace = true), /shareProcessNamespace/],
    [
      'root allowed',
      (d) => {
        delete named(d, 'app').securityContext.runAsNonRoot;
        delete podOf(d).securityContext.runAsNonRoot;
      },
      /app: runAsNonRoot/,
    ],
    ['the init container as root', (d) => (named(d, 'prepare').securityContext.runAsUser = 0), /prepare: runs as a numeric non-root user/],
    ['privilege escalation', (d) => (named(d, 'qos-monitor').securityContext.allowPrivilegeEscalation = true), /allowPrivilegeEscalation/],
    ['a writable root', (d) => delete named(d, 'app').securityContext.readOnlyRootFilesystem, /app: readOnlyRootFilesystem/],
    ['privileged', (d) => (named(d, 'qos-monitor').securityContext.privileged = true), /not privileged/],
    ['capabilities kept', (d) => (named(d, 'prepare').securityContext.capabilities.drop = ['NET_RAW']), /drops ALL/],
    ['a capability added', (d) => (named(d, 'qos-monitor').securityContext.capabilities.add = ['SYS_ADMIN']), /adds no capability/],
    [
      'no seccomp',
      (d) => {
        delete named(d, 'qos-monitor').securityContext.seccompProfile;
        delete podOf(d).securityContext.seccompProfile;
      },
      /seccompProfile RuntimeDefault/,
    ],
    ['no limits', (d) => delete named(d, 'qos-monitor').resources.limits, /limits.cpu set/],
    ['a mount of no volume', (d) => (mount(d, 'qos-monitor', 'data').name = 'nothing'), /nothing, which is not a volume/],
    ['an unused volume', (d) => podOf(d).volumes.push({ name: 'spare', emptyDir: {} }), /volume spare is mounted/],
    ['another image', (d) => (named(d, 'qos-monitor').image = 'registry.example.com/agent:1'), /runs the qos-monitor image/],
    ['another entrypoint', (d) => (named(d, 'qos-monitor').command = ['/bin/qos-monitor']), /command is the image's ENTRYPOINT/],
    [
      'a config off every volume',
      (d) => (named(d, 'qos-monitor').args = ['--config', '/opt/monitor.toml']),
      /configuration \/opt\/monitor.toml is on a mounted volume/,
    ],
    ['no --config', (d) => (named(d, 'qos-monitor').args = ['--probe-target', 'tcp://127.0.0.1:8080']), /is given --config FILE/],
    ['no ConfigMap', (d) => d.splice(d.indexOf(configMap(d)), 1), /one ConfigMap holds monitor.toml/],
    ['TOML that does not parse', editToml('agreement = 1', 'agreement = '), /./],
    ['no agreement', editToml('agreement = 1\n', ''), /sets agreement/],
    ['no data_dir', editToml(/data_dir = .*\n/, ''), /sets data_dir/],
    ['no probe target', editToml(/target = .*\n/, ''), /sets \[probe\] target/],
    ['no authorized_keys', editToml(/authorized_keys = .*\n/, ''), /sets authorized_keys/],
    [
      'authorized keys off every volume',
      editToml('/etc/qos-monitor-authorized/', '/etc/keys/'),
      /authorized_keys \/etc\/keys\/authorized-keys.json is on a volume/,
    ],
    ['authorized keys writable', (d) => delete mount(d, 'qos-monitor', 'authorized-keys').readOnly, /mounts read-only/],
    ['authorized keys by subPath', (d) => (mount(d, 'qos-monitor', 'authorized-keys').subPath = 'authorized-keys.json'), /not a subPath/],
    ['authorized keys in an emptyDir', (d) => (podOf(d).volumes.find((v) => v.name === 'authorized-keys').configMap = undefined), /from a ConfigMap or Secret/],
    [
      'authorized keys misnamed',
      (d) => (podOf(d).volumes.find((v) => v.name === 'authorized-keys').configMap.items[0].path = 'keys.json'),
      /holds authorized-keys.json/,
    ],
    [
      'authorized keys group-writable',
      (d) => (podOf(d).volumes.find((v) => v.name === 'authorized-keys').configMap.defaultMode = 0o664),
      /writable by no group/,
    ],
    ['an invented field', editToml('instance = 0', 'instance = 0\nsample_every = 1'), /sample_every is not a field of config.rs/],
    ['an invented probe field', editToml('timeout_ms = 800', 'timeout = 800'), /\[probe\] timeout is not a field/],
    ['the key on the Secret', editToml('/etc/qos-monitor/client.key', '/inputs/client.key'), /key_file \/inputs\/client.key is on a volume the monitor mounts/],
    ['a writable key', (d) => delete mount(d, 'qos-monitor', 'etc').readOnly, /key_file .* read-only/],
    [
      'the key from a Secret volume',
      (d) => {
        const etc = podOf(d).volumes.find((v) => v.name === 'etc');
        delete etc.emptyDir;
        etc.secret = { secretName: 'k' };
      },
      /is on an emptyDir/,
    ],
    ['no init container writing', (d) => (mount(d, 'prepare', 'etc').readOnly = true), /an init container writes key_file/],
    ['the key copied as another user', (d) => (named(d, 'prepare').securityContext.runAsUser = 1000), /written as the monitor's user/],
    [
      'the key left readable',
      (d) => (named(d, 'prepare').args[0] = named(d, 'prepare').args[0].replace('chmod 0400 client.key', 'chmod 0440 client.key')),
      /makes the key file 0400/,
    ],
    [
      'the Secret in the monitor',
      (d) => named(d, 'qos-monitor').volumeMounts.push({ name: 'inputs', mountPath: '/inputs', readOnly: true }),
      /does not mount the Secret/,
    ],
    ['a Secret the init container cannot read', (d) => delete podOf(d).securityContext.fsGroup, /readable by a non-root init/],
    ['samples read-only', (d) => (mount(d, 'qos-monitor', 'data').readOnly = true), /data_dir .* writable/],
    ['data_dir the mount itself', editToml('/var/lib/qos-monitor/store', '/var/lib/qos-monitor'), /below the mount/],
    [
      'samples on an emptyDir',
      (d) =>
        Object.assign(
          podOf(d).volumes.find((v) => v.name === 'data'),
          { persistentVolumeClaim: undefined, emptyDir: {} },
        ),
      /PersistentVolumeClaim/,
    ],
    ['a claim not declared', (d) => (podOf(d).volumes.find((v) => v.name === 'data').persistentVolumeClaim.claimName = 'other'), /declares the claim other/],
    ['another hostPath', (d) => (podOf(d).volumes.find((v) => v.name === 'host-cgroup').hostPath.path = '/'), /only the cgroup tree/],
    ['a writable cgroup tree', (d) => delete mount(d, 'qos-monitor', 'host-cgroup').readOnly, /mounts host-cgroup read-only/],
    ['the cgroup tree elsewhere', (d) => (mount(d, 'qos-monitor', 'host-cgroup').mountPath = '/host/cgroup'), /at \/sys\/fs\/cgroup/],
    ['measure_cgroup twice', editToml('instance = 0', 'instance = 0\nmeasure_cgroup = "/"'), /leaves measure_cgroup to the init container/],
    ['no pod UID', (d) => delete named(d, 'prepare').env, /measure_cgroup from the pod's UID/],
    ['another listen port', editToml('0.0.0.0:9616', '0.0.0.0:9000'), /declares its listen port 9000/],
    ['operations open', editToml('127.0.0.1:9617', '0.0.0.0:9617'), /operations_listen stays on loopback/],
    ['a Service that misses', (d) => (d.find((x) => x.kind === 'Service').spec.selector = { app: 'other' }), /a Service selecting the pod/],
    ['a Service of ready pods only', (d) => delete d.find((x) => x.kind === 'Service').spec.publishNotReadyAddresses, /publishNotReadyAddresses|lists the pod/],
    [
      'no NetworkPolicy',
      (d) =>
        d.splice(
          d.findIndex((x) => x.kind === 'NetworkPolicy'),
          1,
        ),
      /a NetworkPolicy selects the pod/,
    ],
    ['reports blocked', (d) => d.find((x) => x.kind === 'NetworkPolicy').spec.ingress.shift(), /reach the report port/],
    ['a probe elsewhere', editToml('http://127.0.0.1:8080/healthz', 'http://example.com:8080/healthz'), /on the pod's loopback/],
    ['a probe of no port', editToml('http://127.0.0.1:8080/healthz', 'http://127.0.0.1:8081/healthz'), /8081 is a port of the application/],
  ]) {
    const broken = structuredClone(docs);
    mutate(broken);
    assert.throws(() => checkManifest(broken, image), message, what);
  }
});
