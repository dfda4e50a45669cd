package words

import (
	"ykt/app"

	"fyne.io/fyne/v2/lang"
)

// OperationType names an operation type for the clerk.
func OperationType(t string) string {
	switch t {
	case app.OpCardTempLoss:
		return lang.L("Temporary loss report") // 临时挂失
	case app.OpCardFormalLoss:
		return lang.L("Formal loss report") // 正式挂失
	case app.OpCardUnblock:
		return lang.L("Unblock after a temporary loss") // 解挂
	case app.OpCardEnable:
		return lang.L("Card enabling") // 启用
	case app.OpPINReset:
		return lang.L("PIN reset") // 密码重置
	case app.OpFinancialActivate:
		return lang.L("Bank account activation") // 金融账户激活
	case app.OpCardApplication:
		return lang.L("Card application") // 申领
	case app.OpInfoChange:
		return lang.L("Change of phone or address") // 信息变更
	case app.OpServiceRecord:
		return lang.L("Service record") // 服务记录
	case app.OpAppointmentCheckIn:
		return lang.L("Appointment check-in") // 预约签到
	case app.OpComplaint:
		return lang.L("Complaint") // 投诉
	case app.OpEvaluation:
		return lang.L("Service evaluation") // 好差评
	}
	return t
}
