#include "cli/media_cmd.h"

#include <CLI/CLI.hpp>

#include "harness/runner/runner.h"
#include "reference/media/media_file.h"

namespace parity::harness {

namespace {

// add_common adds the options both directions take.
void add_common(CLI::App* cmd, MediaArgs& a) {
  cmd->add_option("--type", a.type, "image, video, audio or document (default image)")
      ->check(CLI::IsMember({"image", "video", "audio", "document"}));
  cmd->add_option("IN", a.in, "Input file")->required();
  cmd->add_option("OUT", a.out, "Output file")->required();
}

int encrypt(const MediaArgs& a, media::MediaType type, std::ostream& out, std::ostream& err) {
  Key32 key{};
  if (a.key.empty()) {
    key = os_rng().key32();  // every attachment gets a fresh key (MED-3)
  } else {
    auto k = from_hex32(a.key);
    if (!k.ok()) {
      err << "parity media: --key: 32 bytes of hex expected\n";
      return kExitUsage;
    }
    key = *k;
  }
  auto r = media::encrypt_media_file(type, key, a.in, a.out);
  if (!r.ok()) {
    err << "parity media: " << media::to_string(r.code()) << ": " << r.error().detail << "\n";
    return kExitFailed;
  }
  out << "media_type: " << media::to_string(type) << "\n"
      << "media_key: " << to_hex(r->media_key) << "\n"
      << "file_sha256: " << to_hex(r->file_sha256) << "\n"
      << "file_enc_sha256: " << to_hex(r->file_enc_sha256) << "\n"
      << "size: " << r->plaintext_size << " bytes -> " << r->encrypted_size << " bytes\n";
  return kExitOk;
}

int decrypt(const MediaArgs& a, media::MediaType type, std::ostream& out, std::ostream& err) {
  auto key = from_hex32(a.key);
  auto hash = from_hex32(a.enc_sha256);
  if (!key.ok() || !hash.ok()) {
    err << "parity media: --key and --enc-sha256 take 32 bytes of hex each\n";
    return kExitUsage;
  }
  auto r = media::decrypt_media_file(type, *key, *hash, a.in, a.out);
  if (!r.ok()) {
    err << "parity media: refused: " << media::to_string(r.code()) << ": " << r.error().detail << "\n";
    return kExitFailed;
  }
  out << "plaintext: " << *r << " bytes written to " << a.out << "\n";
  return kExitOk;
}

}  // namespace

void add_media_command(CLI::App& app, MediaCommand& command) {
  MediaArgs& a = command.args;
  command.command = app.add_subcommand("media", "Encrypt or decrypt an attachment file (WhatsApp media format)");
  command.command->require_subcommand(1);
  command.encrypt = command.command->add_subcommand("encrypt", "Encrypt IN to OUT; prints the key and both hashes");
  add_common(command.encrypt, a);
  command.encrypt->add_option("--key", a.key, "Media key, 64 hex digits (default: a fresh random key)");
  command.decrypt = command.command->add_subcommand("decrypt", "Verify IN, then decrypt it to OUT");
  add_common(command.decrypt, a);
  command.decrypt->add_option("--key", a.key, "Media key, 64 hex digits")->required();
  command.decrypt->add_option("--enc-sha256", a.enc_sha256, "file_enc_sha256 of IN, 64 hex digits")->required();
}

int run_media_command(const MediaCommand& command, std::ostream& out, std::ostream& err) {
  auto type = media::parse_media_type(command.args.type);
  if (!type) {  // CLI11 checked the spelling; kept for callers that fill MediaArgs themselves
    err << "parity media: unknown --type " << command.args.type << "\n";
    return kExitUsage;
  }
  if (command.encrypt != nullptr && command.encrypt->parsed()) return encrypt(command.args, *type, out, err);
  if (command.decrypt != nullptr && command.decrypt->parsed()) return decrypt(command.args, *type, out, err);
  err << "parity media: encrypt or decrypt expected\n";
  return kExitUsage;
}

}  // namespace parity::harness
