# The assemble function as a Lambda container image, with LibreOffice for the PDF.
#
# Base: Debian 12 (bookworm) slim with Node.js 24, the Docker official image as mirrored
# on ECR Public (no Docker Hub pull limits). Debian 12 because CI and the local stack
# convert with Debian 12's LibreOffice, fonts and hyphenation (.ci/run): the PDF on AWS
# is the PDF the tests read back. Node.js 24 because the zip functions run on Lambda's
# nodejs24.x (cdk/bundling.ts). The AWS Lambda Node.js base image is Amazon Linux,
# which packages no LibreOffice.
#
# Built by `npx cdk deploy` (Docker or Finch on the deploying machine); `cdk synth`
# only stages this folder. Without Docker: `npx cdk deploy -c pdf=false` (no PDF).

FROM public.ecr.aws/docker/library/node:24-bookworm-slim AS build
# aws-lambda-ric (the Lambda runtime interface client) compiles a native addon.
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ make cmake autoconf automake libtool python3 unzip libcurl4-openssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsx cdk/image-bundle.ts assemble /function
WORKDIR /function
RUN npm install --no-audit --no-fund --no-save aws-lambda-ric@4.0.2

FROM public.ecr.aws/docker/library/node:24-bookworm-slim
# The packages .ci/run installs for the PDF: LibreOffice Writer, python3-uno (the warm
# converter hands each conversion to one running LibreOffice over UNO, from Debian's
# /usr/bin/python3), Liberation (Times New Roman's and Arial's metrics), DejaVu (the
# status symbols) and Swedish hyphenation.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libreoffice-writer-nogui python3-uno fonts-liberation2 fonts-dejavu-core hyphen-sv \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /function /var/task
WORKDIR /var/task
# Only /tmp is writable on Lambda: npx's cache and LibreOffice's profile go there.
ENV HOME=/tmp NPM_CONFIG_CACHE=/tmp/.npm
ENTRYPOINT ["/usr/local/bin/npx", "aws-lambda-ric"]
CMD ["index.handler"]
