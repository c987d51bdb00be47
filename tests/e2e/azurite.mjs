// A real Azure Storage server for the end-to-end run: Microsoft's azurite on a free loopback
// port with its documented development account, loaded over HTTP (Put Blob) with an account
// SAS signed by that account's well-known key, as Azure signs it; the app then reads it through
// a container SAS URL minted the same way, like the one a partner pastes from the portal.
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";

const ACCOUNT = "devstoreaccount1";
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const VERSION = "2021-08-06";

const sign = (text) => createHmac("sha256", Buffer.from(KEY, "base64")).update(text, "utf8").digest("base64");
const time = (d) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

const accepts = (port) =>
  new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** Starts azurite (`AZURITE_BIN`) and resolves once it accepts connections. */
export async function startAzurite(bin) {
  const port = await freePort();
  const child = spawn(
    bin,
    ["--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", mkdtempSync(join(tmpdir(), "azurite-")), "--silent", "--skipApiVersionCheck"],
    { stdio: "ignore" },
  );
  const deadline = Date.now() + 30000;
  while (!(await accepts(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error(`azurite (${bin}) did not start listening`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const accountUrl = `http://127.0.0.1:${port}/${ACCOUNT}`;
  const writer = () => {
    const se = time(new Date(Date.now() + 2 * 3600 * 1000));
    const sig = sign(`${ACCOUNT}\nrwdlac\nb\nsco\n\n${se}\n\n\n${VERSION}\n\n`);
    return `sv=${VERSION}&ss=b&srt=sco&sp=rwdlac&se=${encodeURIComponent(se)}&sig=${encodeURIComponent(sig)}`;
  };
  const put = async (url, headers, body) => {
    const res = await fetch(url, { method: "PUT", headers: { "x-ms-version": VERSION, ...headers }, body });
    if (res.status !== 201) throw new Error(`PUT ${url.split("?")[0]}: ${res.status} ${await res.text()}`);
  };
  return {
    stop: () => child.kill(),
    /** Creates `container` and uploads every file under `dir` (names relative to it), manifests last. */
    async load(container, dir) {
      await put(`${accountUrl}/${container}?restype=container&${writer()}`, { "content-length": "0" });
      const files = walk(dir).sort((a, b) => Number(a.endsWith("manifest.json")) - Number(b.endsWith("manifest.json")));
      for (const file of files) {
        const name = relative(dir, file).split(sep).map(encodeURIComponent).join("/");
        await put(`${accountUrl}/${container}/${name}?${writer()}`, { "x-ms-blob-type": "BlockBlob" }, readFileSync(file));
      }
      return files.length;
    },
    /** A service SAS URL of `container` with Read + List until `expiry`. */
    containerSasUrl(container, expiry) {
      const se = time(expiry);
      const fields = ["rl", "", se, `/blob/${ACCOUNT}/${container}`, "", "", "", VERSION, "c", "", "", "", "", "", "", ""];
      const sig = sign(fields.join("\n"));
      return `${accountUrl}/${container}?sv=${VERSION}&sr=c&sp=rl&se=${encodeURIComponent(se)}&sig=${encodeURIComponent(sig)}`;
    },
  };
}
