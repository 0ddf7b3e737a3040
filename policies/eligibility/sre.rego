# Site reliability engineers may request any role (within the 4 h maximum).
package jitsudo.eligibility

grant contains "member of group sre" if "sre" in input.user.groups
