using System.Runtime.Versioning;

// The checks run bash scripts, shellcheck and yamllint: Linux (or a Linux container) only.
[assembly: SupportedOSPlatform("linux")]
