# The pullworker GPU image: the worker published with ONNX Runtime's GPU flavour, on NVIDIA's CUDA
# runtime + cuDNN image, with the .NET (ASP.NET Core) runtime copied in. No model inside: the worker downloads its
# ONNX models from gs:// at start (Pipeline:Stages:N:Model), so one image serves every model.
#
# CUDA: ONNX Runtime 1.32's Linux GPU natives (Microsoft.ML.OnnxRuntime.Gpu.Linux) link CUDA 13.x
# (libcudart.so.13, libcublasLt.so.13) and load cuDNN 9 at run time (CUDA 12 builds were deprecated from
# 1.27). Any 13.x runtime works with a 13.x build (CUDA minor version compatibility); the host needs an
# NVIDIA driver of the R580 branch or newer. ./test.sh runs the publish step below and fails when
# libonnxruntime_providers_cuda.so is missing from its output. Expected size: ~4.5-5 GB unpacked,
# ~2.5 GB compressed, nearly all of it CUDA and cuDNN libraries. See infra/README.md.
#
# Build: docker build -t IMAGE .   (or infra/60-image.sh, which builds on Cloud Build)

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble
ARG DOTNET_RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble
ARG CUDA_IMAGE=nvidia/cuda:13.1.1-cudnn-runtime-ubuntu24.04

FROM ${SDK_IMAGE} AS build
WORKDIR /source
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props .editorconfig ./
COPY src/ src/
# linux-x64: the natives land next to the app instead of under runtimes/<rid>/. Gpu is the default
# ONNX Runtime flavour; named here so the image never silently loses CUDA. Framework-dependent: the
# runtime comes from below.
RUN dotnet publish src/Worker -c Release -p:OnnxRuntimeFlavor=Gpu \
    --runtime linux-x64 --self-contained false -o /app

# Only a source of the .NET runtime files: the ASP.NET Core runtime, because the worker is a web-SDK
# project (its small health/metrics port). Both images are Ubuntu 24.04 (noble), so the runtime's
# native dependencies match.
FROM ${DOTNET_RUNTIME_IMAGE} AS dotnet-runtime

FROM ${CUDA_IMAGE} AS final
# .NET needs OpenSSL for TLS and the CA bundle; ICU is not needed (InvariantGlobalization).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3t64 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=dotnet-runtime /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
    && groupadd --system --gid 10001 pullworker \
    && useradd --system --uid 10001 --gid pullworker --no-create-home --shell /usr/sbin/nologin pullworker
COPY --from=build /app /app
WORKDIR /app
# The CUDA image already puts /usr/local/nvidia/lib64 (where the VM mounts the driver) on
# LD_LIBRARY_PATH. The worker logs JSON for Cloud Logging; health port per Health:Port.
ENV DOTNET_RUNNING_IN_CONTAINER=true \
    Logging__Format=json \
    Health__Port=8080
EXPOSE 8080
USER 10001:10001
# docker stop sends this; the worker drains within Shutdown:Grace and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "/app/PullWorker.Worker.dll"]
