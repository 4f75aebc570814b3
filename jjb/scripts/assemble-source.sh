#!/bin/bash
# Assembles a source package in src/ from Gerrit, as the scheduler does on its own host: the code
# project at CODE_COMMIT with debian/ from SPEC_PROJECT at SPEC_COMMIT (split packages), or the
# one project with both; an orig tarball from the code commit unless the package is native.
#
# With FORMAT=rpm (the rpm jobs set it) the packaging holds one .spec, at its top or in
# rpm/SPECS/, and the files it names beside it or in rpm/SOURCES/; the tree is a directory with
# the spec and those files, and a Source0 tarball (.tar.gz, .tar.xz or .tar.bz2) that the
# packaging lacks is made from the code commit, as <name>-<version>/.
#
# The scheduler's build jobs pass CODE_COMMIT, SPEC_PROJECT and SPEC_COMMIT. Jobs triggered by
# Jenkins' Gerrit Trigger get GERRIT_PROJECT, GERRIT_BRANCH and GERRIT_PATCHSET_REVISION instead:
# then the other half of a split pair (<customer>/openstack/<pkg> and
# <customer>/openstack-build/<pkg>) is taken at the head of the same branch.
#
# Writes the tree's path to src/TREE and the commits built to src/SOURCE_COMMIT and
# src/BUILD_COMMIT, for the step that builds.
set -euo pipefail
: "${GERRIT_URL:?set GERRIT_URL to the Gerrit server (the job does)}"
: "${GERRIT_PROJECT:?}" "${GERRIT_BRANCH:?}"
rm -rf src git && mkdir -p src git

fetch() { # project commit-or-branch dir; prints the commit
  git init -q "$3"
  git -C "$3" fetch -q --depth 1 "$GERRIT_URL/$1" "$2"
  git -C "$3" checkout -q --detach FETCH_HEAD
  git -C "$3" rev-parse HEAD
}

code_project=$GERRIT_PROJECT
code_ref=${CODE_COMMIT:-${GERRIT_PATCHSET_REVISION:-$GERRIT_BRANCH}}
spec_project=${SPEC_PROJECT:-}
spec_ref=${SPEC_COMMIT:-}
if [ -z "${CODE_COMMIT:-}" ]; then
  case $GERRIT_PROJECT in
    */openstack/*) spec_project=${GERRIT_PROJECT/\/openstack\//\/openstack-build\/} ;;
    */openstack-build/*)
      spec_project=$GERRIT_PROJECT spec_ref=$code_ref
      code_project=${GERRIT_PROJECT/\/openstack-build\//\/openstack\/} code_ref=$GERRIT_BRANCH ;;
  esac
  [ -z "$spec_project" ] || spec_ref=${spec_ref:-$GERRIT_BRANCH}
fi

code_commit=$(fetch "$code_project" "$code_ref" git/code)
build_commit=$code_commit
packaging=git/code
if [ -n "$spec_project" ]; then
  build_commit=$(fetch "$spec_project" "${spec_ref:?SPEC_PROJECT is set without SPEC_COMMIT}" git/spec)
  packaging=git/spec
fi
CODE_COMMIT=$code_commit
SPEC_PROJECT=$spec_project
echo "$code_commit" >src/SOURCE_COMMIT
echo "$build_commit" >src/BUILD_COMMIT

if [ "${FORMAT:-deb}" = rpm ]; then
  packaging_project=${spec_project:-$code_project}
  mapfile -t specs < <(find "$packaging" "$packaging/rpm/SPECS" -maxdepth 1 -name '*.spec' 2>/dev/null)
  if [ "${#specs[@]}" -ne 1 ]; then
    echo "$packaging_project holds ${#specs[@]} .spec files at its top and in rpm/SPECS/: an rpm build needs exactly one" >&2
    exit 2
  fi
  spec=${specs[0]}
  read -r name version < <(rpmspec -q --srpm --qf '%{name} %{version}\n' "$spec")
  tree=src/$name
  mkdir -p "$tree"
  for dir in "$(dirname "$spec")" "$packaging/rpm/SOURCES"; do
    [ ! -d "$dir" ] || find "$dir" -maxdepth 1 -type f -exec cp -t "$tree" {} +
  done
  source0=$(rpmspec -P "$spec" | sed -n 's/^Source0\{0,1\}:[[:space:]]*//p' | head -n 1)
  source0=${source0##*/}
  if [ -n "$source0" ] && [ ! -e "$tree/$source0" ]; then
    case $source0 in
      *.tar.gz | *.tgz) compress=(gzip -n) ;;
      *.tar.xz) compress=(xz) ;;
      *.tar.bz2) compress=(bzip2) ;;
      *)
        echo "$packaging_project: Source0 $source0 is neither in the packaging nor a tarball to make from the code" >&2
        exit 2
        ;;
    esac
    # A split pair's tarball is the code commit as it is; a combined project's leaves rpm/ out.
    paths=(.)
    [ -n "$spec_project" ] || paths+=(':(exclude)rpm' ':(exclude)*.spec')
    git -C git/code archive --format=tar --prefix="$name-$version/" "$code_commit" -- "${paths[@]}" \
      | "${compress[@]}" >"$tree/$source0"
  fi
  echo "$tree" >src/TREE
  exit 0
fi

changelog=$packaging/debian/changelog
[ -f "$changelog" ] || { echo "$changelog is missing: debian/ needs a changelog" >&2; exit 2; }
name=$(dpkg-parsechangelog -l "$changelog" -S Source)
version=$(dpkg-parsechangelog -l "$changelog" -S Version)
upstream=${version#*:}
upstream=${upstream%-*}
tree=src/$name-$upstream

mkdir -p "$tree"
git -C git/code archive --format=tar "$CODE_COMMIT" -- . ':(exclude)debian' | tar -x -C "$tree"
cp -a "$packaging/debian" "$tree/debian"
if ! grep -qs native "$tree/debian/source/format"; then
  # A split pair's orig is the code commit as it is; a combined project's leaves debian/ out.
  paths=(.)
  [ -n "${SPEC_PROJECT:-}" ] || paths+=(':(exclude)debian')
  # Same bytes for the same commit: git archive stamps the commit's time, gzip -n no name or time.
  git -C git/code archive --format=tar --prefix="$name-$upstream/" "$CODE_COMMIT" -- "${paths[@]}" \
    | gzip -n >"src/${name}_$upstream.orig.tar.gz"
fi
echo "$tree" > src/TREE
