# SPDX-License-Identifier: GPL-2.0
# bash completion for clusterlbctl(8).
# Install as /usr/share/bash-completion/completions/clusterlbctl.
# COMPREPLY=($(compgen ...)) is the usual completion idiom (words never
# contain blanks here):
# shellcheck disable=SC2207

# Services and members of the running configuration, from `clusterlbctl save`
# (quietly nothing if the module is not loaded or we lack permission).
_clusterlbctl_saved()
{
	clusterlbctl save 2>/dev/null | awk -v what="$1" '
		what == "services" && $1 == "service" { print $3 " " $4 }
		what == "members" && $1 == "member" { print $3 " " $4 " " $5 }'
}

_clusterlbctl_slots()
{
	local d=${CLUSTERHAT_SYSFS:-/sys/class/clusterhat} h p
	for h in "$d"/hat*; do
		[ -d "$h" ] || continue
		for p in "$h"/p*; do
			[ -e "$p/power" ] && echo "${h##*/}/${p##*/} ${p##*/}"
		done
	done
}

_clusterlbctl()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else
		cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
	fi

	# Skip options to find the object and command.
	local i=1 obj="" cmd="" argi=0
	while [ $i -lt $cword ]; do
		case ${words[i]} in
		-n | -netns | --netns | -b | -batch | --batch) i=$((i + 2)); continue ;;
		-*) i=$((i + 1)); continue ;;
		esac
		break
	done
	[ $i -lt $cword ] && obj=${words[i]}
	[ $((i + 1)) -lt $cword ] && cmd=${words[i + 1]}
	argi=$((cword - i - 2))	# index of the word after OBJECT COMMAND

	case $prev in
	-n | -netns | --netns)
		COMPREPLY=($(compgen -W "$(ls /run/netns 2>/dev/null)" -- "$cur")); return ;;
	-b | -batch | --batch)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac

	if [ -z "$obj" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-json -pretty -Version -netns -force -batch -debug -help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "service member show conn monitor flush save restore power poweroff clusterctrl help version" -- "$cur"))
		fi
		return
	fi

	case $obj in
	service | member)
		if [ -z "$cmd" ]; then
			COMPREPLY=($(compgen -W "add set del show help" -- "$cur")); return
		fi
		case $prev in
		sched) COMPREPLY=($(compgen -W "rr wrr lc wlc sh mh" -- "$cur")); return ;;
		state) COMPREPLY=($(compgen -W "active drain disabled standby" -- "$cur")); return ;;
		flags) COMPREPLY=($(compgen -W "none fullnat hash-port fullnat,hash-port" -- "$cur")); return ;;
		dev) COMPREPLY=($(compgen -W "none $(ls /sys/class/net 2>/dev/null)" -- "$cur")); return ;;
		slot) COMPREPLY=($(compgen -W "none $(_clusterlbctl_slots)" -- "$cur")); return ;;
		weight | persist | mask) return ;;
		esac
		case $argi in
		0) COMPREPLY=($(compgen -W "tcp udp" -- "$cur")); return ;;
		1) COMPREPLY=($(compgen -W "$(_clusterlbctl_saved services | awk -v p="$prev" '$1 == p { print $2 }')" -- "$cur")); return ;;
		2) if [ "$obj" = member ] && [ "$cmd" != add ]; then
			COMPREPLY=($(compgen -W "$(_clusterlbctl_saved members |
				awk -v p="${words[cword - 2]}" -v v="$prev" '$1 == p && $2 == v { print $3 }')" -- "$cur"))
			return
		   fi ;;
		esac
		[ "$cmd" = del ] && return
		if [ "$obj" = service ]; then
			COMPREPLY=($(compgen -W "sched persist mask flags help" -- "$cur"))
		elif [ "$argi" -ge 3 ]; then
			COMPREPLY=($(compgen -W "weight state dev slot help" -- "$cur"))
		fi
		;;
	show)
		case $argi in
		-1) COMPREPLY=($(compgen -W "tcp udp help" -- "$cur")) ;;
		0) COMPREPLY=($(compgen -W "$(_clusterlbctl_saved services | awk -v p="$prev" '$1 == p { print $2 }')" -- "$cur")) ;;
		esac
		;;
	conn)
		if [ -z "$cmd" ]; then
			COMPREPLY=($(compgen -W "show help" -- "$cur"))
		elif [ "$argi" = 0 ]; then
			COMPREPLY=($(compgen -W "tcp udp" -- "$cur"))
		elif [ "$argi" = 2 ]; then
			COMPREPLY=($(compgen -W "member" -- "$cur"))
		fi
		;;
	restore)
		COMPREPLY=($(compgen -f -W "check help" -- "$cur")) ;;
	power)
		if [ -z "$cmd" ]; then
			COMPREPLY=($(compgen -W "on off status help" -- "$cur"))
		elif [ "$prev" = wait ]; then
			return
		elif [ "$cmd" = on ]; then
			COMPREPLY=($(compgen -W "all wait $(_clusterlbctl_slots)" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "all $(_clusterlbctl_slots)" -- "$cur"))
		fi
		;;
	poweroff)
		case $prev in
		drain-timeout | grace | parallel | shutdown-cmd | halt-cmd) return ;;
		config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		esac
		COMPREPLY=($(compgen -W "all drain-timeout grace shutdown-cmd parallel halt halt-cmd config help $(_clusterlbctl_slots)" -- "$cur"))
		;;
	clusterctrl)
		_clusterctrl_words ;;
	monitor | flush | save)
		COMPREPLY=($(compgen -W "help" -- "$cur")) ;;
	esac
}
complete -F _clusterlbctl clusterlbctl

# clusterctrl / clusterhat: the vendor's grammar (clusterlbctl run by that name).
_clusterctrl_words()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local n d=${CLUSTERHAT_SYSFS:-/sys/class/clusterhat} h nodes=""
	n=0
	for h in "$d"/hat*/slots; do
		[ -e "$h" ] && n=$((n + $(cat "$h")))
	done
	for ((h = 1; h <= n; h++)); do nodes+=" p$h"; done
	case $prev in
	clusterctrl | clusterhat)
		COMPREPLY=($(compgen -W "on off status maxpi init alert led hub wp help" -- "$cur")) ;;
	alert | led | wp) COMPREPLY=($(compgen -W "on off" -- "$cur")) ;;
	hub) COMPREPLY=($(compgen -W "on off reset" -- "$cur")) ;;
	*) COMPREPLY=($(compgen -W "$nodes" -- "$cur")) ;;
	esac
}

_clusterctrl()
{
	_clusterctrl_words
}
complete -F _clusterctrl clusterctrl clusterhat
