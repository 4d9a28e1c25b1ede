namespace PullWorker.Deployment.Tests.Infrastructure;

/// <summary>
/// Runs infra/*.sh against the fixed test configuration, with a stand-in <c>gcloud</c> first on PATH.
/// Under --dry-run the stand-in fails loudly (a dry run must not call gcloud); with
/// <see cref="FakeCloud"/> set it records every call and answers describes as told.
/// </summary>
public sealed class InfraScripts : IDisposable
{
    public const string RenderDirToken = "<RENDER_DIR>";

    private readonly string _workDirectory;
    private readonly string _binDirectory;

    public InfraScripts()
    {
        _workDirectory = Directory.CreateTempSubdirectory("deployment-tests-").FullName;
        _binDirectory = Path.Combine(_workDirectory, "bin");
        RenderDirectory = Path.Combine(_workDirectory, "render");
        Directory.CreateDirectory(_binDirectory);
        var gcloud = Path.Combine(_binDirectory, "gcloud");
        File.WriteAllText(gcloud, FakeGcloudScript);
        File.SetUnixFileMode(gcloud, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string RenderDirectory { get; }

    public string RenderedTemplatePath => Path.Combine(RenderDirectory, "instance-template.rendered.yaml");

    public string CallLogPath => Path.Combine(_workDirectory, "gcloud-calls.log");

    public static IReadOnlyDictionary<string, string> TestConfig { get; } = ConfigFile.Read(RepositoryPaths.TestConfig);

    /// <summary>Runs <c>bash infra/{script}</c>; <paramref name="overrides"/> become environment variables.</summary>
    public Task<ProcessResult> RunAsync(
        string script,
        IEnumerable<string> arguments,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? overrides = null,
        FakeCloud? fakeCloud = null)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = $"{_binDirectory}:/usr/local/bin:/usr/bin:/bin",
            ["CONFIG_FILE"] = RepositoryPaths.TestConfig,
            ["RENDER_DIR"] = RenderDirectory,
            ["INFRA_LIB"] = Path.Combine(RepositoryPaths.Infra, "lib.sh"),
        };
        if (fakeCloud is { } cloud)
        {
            environment["FAKE_GCLOUD_LOG"] = CallLogPath;
            environment["FAKE_GCLOUD_STATE"] = cloud == FakeCloud.Everything ? "present" : "absent";
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return ProcessRunner.RunAsync(
            "bash",
            [Path.Combine(RepositoryPaths.Infra, script), .. arguments],
            environment,
            RepositoryPaths.Root,
            cancellationToken);
    }

    /// <summary>Replaces this run's temporary directory so listings compare across machines.</summary>
    public string Normalize(string output) => output.Replace(RenderDirectory, RenderDirToken, StringComparison.Ordinal);

    public IReadOnlyList<string> ReadCallLog() => File.Exists(CallLogPath) ? File.ReadAllLines(CallLogPath) : [];

    public void Dispose() => Directory.Delete(_workDirectory, recursive: true);

    // Logs each call quoted exactly like the scripts' --dry-run output (print_command from lib.sh).
    private const string FakeGcloudScript = """
        #!/usr/bin/env bash
        set -euo pipefail
        if [[ -z ${FAKE_GCLOUD_LOG:-} ]]; then
          echo "gcloud must not be called under --dry-run: $*" >&2
          exit 97
        fi
        # shellcheck source=/dev/null
        source "$INFRA_LIB"
        print_command gcloud "$@" >>"$FAKE_GCLOUD_LOG"
        case " $* " in
          *" describe "*)
            if [[ $FAKE_GCLOUD_STATE == present ]]; then exit 0; fi
            if [[ $FAKE_GCLOUD_STATE == denied ]]; then
              echo "ERROR: PERMISSION_DENIED: caller lacks permission" >&2
            else
              echo "ERROR: NOT_FOUND: Resource not found" >&2
            fi
            exit 1
            ;;
          *" get-iam-policy "*)
            if [[ $FAKE_GCLOUD_STATE == present ]]; then echo roles/some.role; fi
            ;;
          *" list "*) ;;
        esac
        """;
}

/// <summary>What the stand-in gcloud pretends exists.</summary>
public enum FakeCloud
{
    Nothing,
    Everything,
}
